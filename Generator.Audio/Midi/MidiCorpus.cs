using System.Text.Json.Nodes;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// What every corpus of MIDI files holds, whatever part it reads (a melody, a drum part): the folder, each file read
/// with whether it is held out and the windows it gave, the files that failed and the folders that could not be listed
/// (<see cref="MidiCorpusFolder"/>). A new part (bass lines, say) derives from this and adds its datasets.
/// </summary>
public abstract class MidiCorpus : TrainingCorpus
{
    /// <summary>The corpus of <paramref name="files"/> read under <paramref name="root"/>.</summary>
    protected MidiCorpus(string root, IReadOnlyList<(string Path, bool Validation, int Windows)> files, IReadOnlyList<MidiReadException> failures,
        IReadOnlyList<string> skippedFolders)
    {
        Root = root;
        Source = root;
        Files = files;
        Failures = failures;
        SkippedFolders = skippedFolders;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>Every file read, whether it is held out, and how many windows it gave.</summary>
    public IReadOnlyList<(string Path, bool Validation, int Windows)> Files { get; }

    /// <summary>Files that could not be used (no usable part, damaged), with the reason.</summary>
    public IReadOnlyList<MidiReadException> Failures { get; }

    /// <summary>Subfolders that could not be listed (permissions, removed while listing); their files are not in the corpus.</summary>
    public IReadOnlyList<string> SkippedFolders { get; }

    /// <summary>Training windows.</summary>
    protected abstract int TrainWindows { get; }

    /// <summary>Held-out windows.</summary>
    protected abstract int ValidationWindows { get; }

    /// <inheritdoc />
    public override string Summary =>
        $"{Files.Count} files: {TrainWindows} training windows, {ValidationWindows} validation windows ({Files.Count(f => f.Validation)} files held out)";

    /// <summary>What <see cref="TrainingCorpus.Describe"/> says of every MIDI corpus, with <paramref name="extra"/> (the part's own keys) after it.</summary>
    protected JsonObject DescribeWith(JsonObject extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var described = new JsonObject
        {
            ["folder"] = Root,
            ["files"] = Files.Count,
            ["skippedFiles"] = Failures.Count,
            ["trainWindows"] = TrainWindows,
            ["validationWindows"] = ValidationWindows,
            ["validationFiles"] = new JsonArray(Files.Where(f => f.Validation).Select(f => (JsonNode)Path.GetRelativePath(Root, f.Path)).ToArray()),
        };
        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            described[key] = value;
        }
        return described;
    }
}
