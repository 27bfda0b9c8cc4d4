using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Generation;

/// <summary>
/// The colours of a seed, for snapping outputs to them (<c>--palette</c>): pixel-art users expect their palette back.
/// Colours are the seed's distinct visible RGBA values, the <see cref="MaxColours"/> most frequent when there are
/// more (ties broken by value, so the palette is the same in every process); a seed with clear pixels adds "clear".
/// Each output pixel becomes the nearest colour by perceived difference (squared distance in Oklab, Ottosson 2020, plus
/// the opacity difference on the same 0–1 scale), and a pixel less than half opaque becomes clear when the seed has
/// clear pixels. Pixel by pixel, so edges stay where the decoder put them; nothing is dithered.
/// </summary>
public sealed class ImagePalette
{
    /// <summary>Most colours kept.</summary>
    public const int MaxColours = 256;

    /// <summary>
    /// Most distinct colours a seed may have for <c>--palette auto</c> (the default) to snap to them: pixel art and icons
    /// have a few dozen; a photograph or a shaded picture has thousands, and snapping it would band it.
    /// </summary>
    public const int AutoColours = 64;

    private readonly uint[] colours;
    private readonly bool hasClear;

    private readonly (float L, float A, float B)[] labs;

    private ImagePalette(uint[] colours, bool hasClear, int distinct)
    {
        this.colours = colours;
        this.hasClear = hasClear;
        labs = colours.Select(Oklab).ToArray();
        DistinctColours = distinct;
    }

    /// <summary>Colours in the palette, clear not counted.</summary>
    public int Count => colours.Length;

    /// <summary>Distinct visible colours in the seed, including those past <see cref="MaxColours"/>.</summary>
    public int DistinctColours { get; }

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
        return new ImagePalette(kept, clear, counts.Count);
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
        var (l, a, b) = Oklab(colour);
        var alpha = (colour & 0xff) / 255f;
        var best = 0;
        var bestDistance = float.MaxValue;
        for (var i = 0; i < colours.Length; i++)
        {
            var (dl, da, db, dAlpha) = (l - labs[i].L, a - labs[i].A, b - labs[i].B, alpha - (colours[i] & 0xff) / 255f);
            var d = dl * dl + da * da + db * db + dAlpha * dAlpha;
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return colours[best];
    }

    /// <summary>The Oklab coordinates of an RGBA colour's sRGB part (L from 0, black, to 1, white).</summary>
    internal static (float L, float A, float B) Oklab(uint rgba)
    {
        var (r, g, b) = (Linear(rgba >> 24), Linear((rgba >> 16) & 0xff), Linear((rgba >> 8) & 0xff));
        var l = MathF.Cbrt(0.4122214708f * r + 0.5363325363f * g + 0.0514459929f * b);
        var m = MathF.Cbrt(0.2119034982f * r + 0.6806995451f * g + 0.1073969566f * b);
        var s = MathF.Cbrt(0.0883024619f * r + 0.2817188376f * g + 0.6299787005f * b);
        return (0.2104542553f * l + 0.7936177850f * m - 0.0040720468f * s,
            1.9779984951f * l - 2.4285922050f * m + 0.4505937099f * s,
            0.0259040371f * l + 0.7827717662f * m - 0.8086757660f * s);
    }

    private static float Linear(uint channel)
    {
        var c = channel / 255f;
        return c <= 0.04045f ? c / 12.92f : MathF.Pow((c + 0.055f) / 1.055f, 2.4f);
    }

    private static uint Pack(byte[] rgba, int p) => (uint)rgba[p] << 24 | (uint)rgba[p + 1] << 16 | (uint)rgba[p + 2] << 8 | rgba[p + 3];
}
