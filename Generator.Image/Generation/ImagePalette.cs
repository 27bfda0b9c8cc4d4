using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Generation;

/// <summary>
/// The colours of a seed, for snapping outputs to them (<c>--palette seed</c>): pixel-art users expect their palette
/// back. Colours are the seed's distinct visible RGBA values, the <see cref="MaxColours"/> most frequent when there are
/// more (ties broken by value, so the palette is the same in every process); a seed with clear pixels adds "clear".
/// Each output pixel becomes the nearest colour (squared distance over R, G, B and A), and a pixel less than half
/// opaque becomes clear when the seed has clear pixels.
/// </summary>
public sealed class ImagePalette
{
    /// <summary>Most colours kept.</summary>
    public const int MaxColours = 256;

    private readonly uint[] colours;
    private readonly bool hasClear;

    private ImagePalette(uint[] colours, bool hasClear)
    {
        this.colours = colours;
        this.hasClear = hasClear;
    }

    /// <summary>Colours in the palette, clear not counted.</summary>
    public int Count => colours.Length;

    /// <summary>The palette of <paramref name="seed"/>.</summary>
    public static ImagePalette Of(RgbaImage seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var counts = new Dictionary<uint, int>();
        var clear = false;
        for (var p = 0; p < seed.Rgba.Length; p += 4)
        {
            if (seed.Rgba[p + 3] == 0)
            {
                clear = true;
                continue;
            }
            var c = Pack(seed.Rgba, p);
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }
        var kept = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(MaxColours).Select(kv => kv.Key).ToArray();
        return new ImagePalette(kept, clear);
    }

    /// <summary><paramref name="image"/> with every pixel snapped to the palette.</summary>
    public RgbaImage Apply(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgba = (byte[])image.Rgba.Clone();
        var cache = new Dictionary<uint, uint>();
        for (var p = 0; p < rgba.Length; p += 4)
        {
            if (hasClear && (rgba[p + 3] < 128 || colours.Length == 0))
            {
                rgba[p] = rgba[p + 1] = rgba[p + 2] = rgba[p + 3] = 0;
                continue;
            }
            if (colours.Length == 0) continue;
            var key = Pack(rgba, p);
            if (!cache.TryGetValue(key, out var nearest)) cache[key] = nearest = Nearest(key);
            (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = ((byte)(nearest >> 24), (byte)(nearest >> 16), (byte)(nearest >> 8), (byte)nearest);
        }
        return new RgbaImage(image.Width, image.Height, rgba);
    }

    private uint Nearest(uint colour)
    {
        var best = colours[0];
        var bestDistance = long.MaxValue;
        foreach (var c in colours)
        {
            long d = 0;
            for (var shift = 0; shift < 32; shift += 8)
            {
                var diff = (int)((colour >> shift) & 0xff) - (int)((c >> shift) & 0xff);
                d += diff * diff;
            }
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        return best;
    }

    private static uint Pack(byte[] rgba, int p) => (uint)rgba[p] << 24 | (uint)rgba[p + 1] << 16 | (uint)rgba[p + 2] << 8 | rgba[p + 3];
}
