using VaeCreative.Core.Training;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Distinct sprite cells in the order they were first seen; duplicates are found by a stable 64-bit FNV-1a hash of the
/// pixels, confirmed byte for byte (so the result is the same in every process).
/// </summary>
public sealed class SpriteCells
{
    private readonly List<RgbaImage> cells = [];
    private readonly Dictionary<ulong, List<int>> byHash = [];

    /// <summary>The cells kept so far.</summary>
    public IReadOnlyList<RgbaImage> Cells => cells;

    /// <summary>FNV-1a-64 of <paramref name="image"/>'s RGBA bytes: the same in every process.</summary>
    public static ulong Hash(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return StableSplit.Hash64(image.Rgba);
    }

    /// <summary>Adds <paramref name="cell"/> unless an equal one is already here; true when added.</summary>
    public bool TryAdd(RgbaImage cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var hash = Hash(cell);
        if (byHash.TryGetValue(hash, out var same))
        {
            foreach (var index in same)
                if (cells[index].Width == cell.Width && cells[index].Rgba.AsSpan().SequenceEqual(cell.Rgba)) return false;
        }
        else
        {
            byHash[hash] = same = [];
        }
        same.Add(cells.Count);
        cells.Add(cell);
        return true;
    }
}
