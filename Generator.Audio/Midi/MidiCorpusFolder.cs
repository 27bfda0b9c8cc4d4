using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// A folder of MIDI files as the audio modalities train on it (melodies, drums): listed by Core's
/// <see cref="CorpusFolder"/> within MIDI's limits, split by each file's relative path (<see cref="StableSplit"/>),
/// and reported the same way. The folder must be a plausible corpus: not the root of a file system, a system folder or
/// the home folder, with at most <see cref="MaxFiles"/> MIDI files among at most <see cref="MaxEntries"/> entries; both
/// limits are checked while listing, so a wrong folder is refused after a bounded amount of work. Folders that cannot
/// be listed are skipped and reported; links to folders are not followed (no loops, nothing outside).
/// </summary>
public static class MidiCorpusFolder
{
    /// <summary>Most MIDI files in a corpus: above the largest public MIDI collection we know (Lakh MIDI, 178,561 files).</summary>
    public const int MaxFiles = 200_000;

    /// <summary>
    /// Most files and folders of any kind looked at while listing a corpus: a corpus is mostly MIDI files (room for
    /// <see cref="MaxFiles"/> and some notes beside them), and listing a quarter of a million entries takes seconds,
    /// so a folder that is not a corpus is refused in seconds.
    /// </summary>
    public const int MaxEntries = CorpusFolder.DefaultMaxEntries;

    /// <summary>
    /// The .mid/.midi files under <paramref name="folder"/>, sorted by relative path. Throws
    /// <see cref="DirectoryNotFoundException"/> when it does not exist and <see cref="TrainingDataException"/>
    /// when it is not a plausible corpus.
    /// </summary>
    public static IReadOnlyList<string> ListFiles(string folder) => Scan(folder, MaxFiles, MaxEntries).Files;

    /// <summary>True when the file (or, for drums, the folder) at <paramref name="relativePath"/> belongs to the held-out fraction.</summary>
    public static bool IsHeldOut(string relativePath, double validationFraction) =>
        StableSplit.IsPathHeldOut(relativePath, validationFraction);

    /// <summary>Lists the MIDI files under <paramref name="folder"/> within the limits (tests pass small ones), and the folders that could not be listed.</summary>
    /// <remarks>Hidden files and links to files are read: MIDI corpora have always been read so, and their held-out split keys on the paths.</remarks>
    internal static (IReadOnlyList<string> Files, IReadOnlyList<string> SkippedFolders) Scan(string folder, int maxFiles, int maxEntries)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"data folder '{folder}' does not exist.");
        if (TrainingDataFolder.Implausible(folder) is { } what)
            throw new TrainingDataException($"'{folder}' is {what}, not a folder of MIDI files; pass the folder that holds your .mid files.");
        var listing = CorpusFolder.List(folder, new CorpusListOptions
        {
            MaxFiles = maxFiles,
            MaxEntries = maxEntries,
            FilesNoun = "MIDI files",
            TooManyEntriesHint = $"a training folder holds MIDI files (at most {maxFiles:N0}). Pass the folder that holds your .mid files.",
            Include = IsMidiFileName,
        });
        return (listing.Files, [.. listing.Unreadable.Select(u => u.Path)]);
    }

    /// <summary>Whether a file name is a MIDI file's (.mid or .midi, any case).</summary>
    public static bool IsMidiFileName(string name) =>
        name.EndsWith(".mid", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".midi", StringComparison.OrdinalIgnoreCase);

    /// <summary>Logs the first five folders that could not be listed and files that could not be read, and how many more.</summary>
    public static void LogSkipped(IReadOnlyList<string> skippedFolders, IReadOnlyList<MidiReadException> failures, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        foreach (var folder in skippedFolders.Take(5)) log($"skipped the folder {folder} (it cannot be read)");
        if (skippedFolders.Count > 5) log($"… and {skippedFolders.Count - 5} more folders skipped");
        foreach (var failure in failures.Take(5)) log($"skipped {failure.Message}");
        if (failures.Count > 5) log($"… and {failures.Count - 5} more files skipped");
    }
}
