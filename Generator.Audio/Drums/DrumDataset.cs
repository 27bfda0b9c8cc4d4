using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Drums;

/// <summary>Drum training windows (<see cref="DrumEncoding.WindowSteps"/> tokens each); no augmentation (a groove transposes to nothing).</summary>
public sealed class DrumDataset : ITrainingData
{
    private readonly int[][] windows;

    private DrumDataset(int[][] windows) => this.windows = windows;

    /// <summary>Builds a dataset from windows already cut.</summary>
    public static DrumDataset FromWindows(IEnumerable<int[]> windows) => new(windows.ToArray());

    /// <inheritdoc />
    public int Count => windows.Length;

    /// <summary>The windows.</summary>
    public IReadOnlyList<int[]> Windows => windows;

    /// <inheritdoc />
    public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
    {
        var w = DrumEncoding.WindowSteps;
        var data = new long[indices.Count * w];
        for (var i = 0; i < indices.Count; i++)
            for (var t = 0; t < w; t++) data[i * w + t] = windows[indices[i]][t];
        return tensor(data, new long[] { indices.Count, w });
    }
}
