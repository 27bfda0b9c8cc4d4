using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Drums;

/// <summary>
/// The drum parts of a folder of MIDI files, cut into training windows and split. Files in a subfolder share their
/// fate (held out or not, by a stable hash of the subfolder's path): <c>scripts/mma-grooves.sh</c> puts the variants
/// of one groove library file (its Sus, Plus, Intro, End …) in one folder, so no variant of a held-out groove is
/// trained on. Files at the top level are held out one by one.
/// </summary>
public sealed class DrumCorpus : MidiCorpus
{
    private DrumCorpus(string root, List<(string Path, bool Validation, int Windows)> files, List<MidiReadException> failures,
        IReadOnlyList<string> skippedFolders, DrumDataset train, DrumDataset validation) : base(root, files, failures, skippedFolders)
    {
        Train = train;
        Validation = validation;
    }

    /// <summary>Training windows.</summary>
    public DrumDataset Train { get; }

    /// <summary>Held-out windows.</summary>
    public DrumDataset Validation { get; }

    /// <inheritdoc />
    protected override int TrainWindows => Train.Count;

    /// <inheritdoc />
    protected override int ValidationWindows => Validation.Count;

    /// <inheritdoc />
    public override JsonObject Describe() => DescribeWith(new JsonObject
    {
        ["split"] = "by subfolder (stable FNV-1a hash of its relative path); top-level files one by one",
        ["windows"] = $"{DrumEncoding.WindowSteps} steps every 16, without silent windows, each distinct window of a file once",
    });

    /// <summary>Windows of <see cref="DrumEncoding.WindowSteps"/> steps every 4/4 bar (16 steps), silent ones skipped, each distinct one once.</summary>
    public static IEnumerable<int[]> TrainingWindows(DrumPattern pattern)
    {
        var w = DrumEncoding.WindowSteps;
        var padded = pattern.Tokens.Concat(Enumerable.Repeat(0, Math.Max(0, w - pattern.Steps))).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var start = 0; start + w <= padded.Length; start += 16)
        {
            var window = padded.AsSpan(start, w).ToArray();
            if (window.All(t => t == 0) || !seen.Add(string.Join(',', window))) continue;
            yield return window;
        }
    }

    /// <summary>Reads every MIDI file under <paramref name="folder"/>; files without drums are collected, not fatal.</summary>
    public static DrumCorpus Load(string folder, double validationFraction = 0.1)
    {
        var (paths, skipped) = MidiCorpusFolder.Scan(folder, MidiCorpusFolder.MaxFiles, MidiCorpusFolder.MaxEntries);
        var results = new (DrumPattern? Pattern, MidiReadException? Error)[paths.Count];
        Parallel.For(0, paths.Count, i =>
        {
            try { results[i] = (MidiDrumReader.Read(paths[i]), null); }
            catch (MidiReadException e) { results[i] = (null, e); }
        });
        var files = new List<(string, bool, int)>();
        var failures = new List<MidiReadException>();
        var train = new List<int[]>();
        var validation = new List<int[]>();
        for (var i = 0; i < paths.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                failures.Add(error);
                continue;
            }
            var relative = Path.GetRelativePath(folder, paths[i]);
            var group = Path.GetDirectoryName(relative) is { Length: > 0 } parent ? parent : relative;
            var heldOut = MidiCorpusFolder.IsHeldOut(group, validationFraction);
            var windows = TrainingWindows(results[i].Pattern!).ToList();
            (heldOut ? validation : train).AddRange(windows);
            files.Add((paths[i], heldOut, windows.Count));
        }
        return new DrumCorpus(Path.GetFullPath(folder), files, failures, skipped, DrumDataset.FromWindows(train), DrumDataset.FromWindows(validation));
    }
}
