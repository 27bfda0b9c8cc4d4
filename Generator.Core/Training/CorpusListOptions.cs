namespace VaeCreative.Core.Training;

/// <summary>What <see cref="CorpusFolder.List"/> takes from a folder, and its limits.</summary>
public sealed record CorpusListOptions
{
    /// <summary>Most files listed; more is a <see cref="TrainingDataException"/> (the caller's limit: MIDI 200,000, text and images 100,000).</summary>
    public required int MaxFiles { get; init; }

    /// <summary>Most files and folders looked at, listed or not. Default <see cref="CorpusFolder.DefaultMaxEntries"/>.</summary>
    public int MaxEntries { get; init; } = CorpusFolder.DefaultMaxEntries;

    /// <summary>What the listed files are, plural, for messages ("MIDI files", "files").</summary>
    public required string FilesNoun { get; init; }

    /// <summary>
    /// What to tell a user whose folder has more than <see cref="MaxEntries"/> entries, after "holds more than N files and
    /// folders; " (e.g. "pass the folder that holds your text files (at most 100,000).").
    /// </summary>
    public required string TooManyEntriesHint { get; init; }

    /// <summary>Whether a file, by its name, is listed; null lists every file.</summary>
    public Func<string, bool>? Include { get; init; }

    /// <summary>
    /// Why an entry (file or folder, links included) is skipped and reported, or null to go on: asked first for every
    /// entry. Null reports nothing (folder links are still never followed).
    /// </summary>
    public Func<FileSystemInfo, string?>? Skip { get; init; }
}
