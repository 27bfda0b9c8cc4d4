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
        var w = windows.Length == 0 ? MelodyEncoding.WindowSteps : windows[0].Length;
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
