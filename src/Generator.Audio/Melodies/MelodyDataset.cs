using VaeCreative.Audio.Midi;
using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// Melody training windows from a folder of MIDI files, split by file into training and validation
/// sets with a deterministic hash of each file's relative path (so the split does not depend on
/// file order, machine or seed).
/// </summary>
public sealed class MelodyDataset : ITrainingData
{
    private readonly int[][] windows;

    private MelodyDataset(int[][] windows, int maxTransposition)
    {
        this.windows = windows;
        MaxTransposition = maxTransposition;
    }

    /// <inheritdoc />
    public int Count => windows.Length;

    /// <summary>Largest transposition (semitones, either way) applied to training batches.</summary>
    public int MaxTransposition { get; }

    /// <summary>The windows (for tests and evaluation).</summary>
    public IReadOnlyList<int[]> Windows => windows;

    /// <summary>Builds a dataset from windows already cut.</summary>
    public static MelodyDataset FromWindows(IEnumerable<int[]> windows, int maxTransposition = 5) =>
        new(windows.ToArray(), maxTransposition);

    /// <inheritdoc />
    public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
    {
        var w = MelodyEncoding.WindowSteps;
        var data = new long[indices.Count * w];
        for (var i = 0; i < indices.Count; i++)
        {
            var window = windows[indices[i]];
            var shift = augmentation is null ? 0 : Transposition(window, augmentation);
            for (var t = 0; t < w; t++)
            {
                var token = window[t];
                data[i * w + t] = MelodyEncoding.IsNoteOn(token) ? token + shift : token;
            }
        }
        return tensor(data, new long[] { indices.Count, w });
    }

    /// <summary>A uniform shift in ±<see cref="MaxTransposition"/> that keeps every pitch encodable.</summary>
    private int Transposition(int[] window, Random random)
    {
        if (MaxTransposition == 0) return 0;
        int lo = int.MaxValue, hi = int.MinValue;
        foreach (var token in window)
        {
            if (!MelodyEncoding.IsNoteOn(token)) continue;
            var p = MelodyEncoding.PitchOf(token);
            lo = Math.Min(lo, p);
            hi = Math.Max(hi, p);
        }
        if (lo == int.MaxValue) return 0;
        var down = Math.Max(-MaxTransposition, MelodyEncoding.MinPitch - lo);
        var up = Math.Min(MaxTransposition, MelodyEncoding.MaxPitch - hi);
        return random.Next(down, up + 1);
    }
}

/// <summary>The MIDI files of a folder, read and split.</summary>
public sealed class MelodyCorpus
{
    private MelodyCorpus(string root, List<(string Path, bool Validation, int Windows)> files, List<MidiReadException> failures,
        MelodyDataset train, MelodyDataset validation)
    {
        Root = root;
        Files = files;
        Failures = failures;
        Train = train;
        Validation = validation;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>Every file read, whether it is held out, and how many windows it gave.</summary>
    public IReadOnlyList<(string Path, bool Validation, int Windows)> Files { get; }

    /// <summary>Files that could not be used, with the reason.</summary>
    public IReadOnlyList<MidiReadException> Failures { get; }

    /// <summary>Training windows.</summary>
    public MelodyDataset Train { get; }

    /// <summary>Held-out windows.</summary>
    public MelodyDataset Validation { get; }

    /// <summary>The .mid/.midi files under <paramref name="folder"/>, sorted by relative path.</summary>
    public static IReadOnlyList<string> ListFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"data folder '{folder}' does not exist.");
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".mid", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".midi", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetRelativePath(folder, f), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>True when the file at <paramref name="relativePath"/> belongs to the held-out fraction.</summary>
    public static bool IsHeldOut(string relativePath, double validationFraction)
    {
        if (validationFraction <= 0) return false;
        // FNV-1a over the normalised relative path: stable across runs, machines and .NET versions.
        var hash = 2166136261u;
        foreach (var ch in relativePath.Replace('\\', '/'))
        {
            hash ^= ch;
            hash *= 16777619u;
        }
        return hash % 10_000 < validationFraction * 10_000;
    }

    /// <summary>Reads every MIDI file under <paramref name="folder"/>; files that fail are collected, not fatal.</summary>
    public static MelodyCorpus Load(string folder, double validationFraction = 0.1, int maxTransposition = 5,
        IProgress<(int Done, int Total)>? progress = null)
    {
        var paths = ListFiles(folder);
        var files = new List<(string, bool, int)>();
        var failures = new List<MidiReadException>();
        var train = new List<int[]>();
        var validation = new List<int[]>();
        var results = new (Melody? Melody, MidiReadException? Error)[paths.Count];
        var done = 0;
        Parallel.For(0, paths.Count, i =>
        {
            try { results[i] = (MidiMelodyReader.Read(paths[i]), null); }
            catch (MidiReadException e) { results[i] = (null, e); }
            progress?.Report((Interlocked.Increment(ref done), paths.Count));
        });
        for (var i = 0; i < paths.Count; i++)
        {
            var (melody, error) = results[i];
            if (error is not null)
            {
                failures.Add(error);
                continue;
            }
            var heldOut = IsHeldOut(Path.GetRelativePath(folder, paths[i]), validationFraction);
            var windows = MelodyWindows.Training(melody!).ToList();
            (heldOut ? validation : train).AddRange(windows);
            files.Add((paths[i], heldOut, windows.Count));
        }
        return new MelodyCorpus(Path.GetFullPath(folder), files, failures,
            MelodyDataset.FromWindows(train, maxTransposition), MelodyDataset.FromWindows(validation, 0));
    }
}
