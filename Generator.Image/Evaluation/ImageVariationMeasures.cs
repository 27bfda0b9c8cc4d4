using System.Runtime.CompilerServices;
using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Modalities;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Evaluation;

/// <summary>
/// Images' measures for <c>eval --variations</c>: what a pixel artist checks when a sprite comes back. Every figure
/// compares an output with its seed at the seed's size (an output of another size is scaled to it, nearest pixel).
/// A pixel is visible when its alpha is at least <see cref="VisibleAlpha"/>; a colour difference is the mean of the
/// three channels' absolute differences over 255 (0 the same, 1 black against white).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Similarity: 1 − <c>rgb_error</c>.</item>
/// <item>Clean (<c>palette_rate</c>): the output's visible pixels whose colour is exactly one of the seed's visible colours.</item>
/// <item><c>rgb_error</c>: the colour difference over the pixels visible in the seed, an invisible output pixel there counting 1.</item>
/// <item><c>visibility_agreement</c>: the pixels whose visibility is the seed's.</item>
/// <item><c>palette_distance</c>: each visible output pixel's colour difference to the nearest visible colour of the
/// seed; NaN (left out of the averages) for seeds of more than <see cref="MaxPaletteColours"/> colours, which are not
/// palette images.</item>
/// <item><c>sharpness</c>: the summed absolute differences between neighbouring pixels (right and down, all four
/// channels, colours seen over black), the output's over the seed's: 1 as crisp as the seed, below 1 blurred. NaN for a
/// flat seed.</item>
/// </list>
/// </remarks>
public sealed class ImageVariationMeasures : IVariationMeasures
{
    // Each output is measured three times (similarity, clean share, figures) against a seed shared by eight outputs:
    // decoded images are kept while their materials live (keyed by reference, so nothing outlives an evaluation).
    private readonly ConditionalWeakTable<Material, RgbaImage> decoded = new();

    /// <summary>Alpha from which a pixel counts as visible: 128 (half opaque).</summary>
    public const int VisibleAlpha = 128;

    /// <summary>Most visible colours a seed may have for <c>palette_distance</c>: 4,096.</summary>
    public const int MaxPaletteColours = 4096;

    /// <inheritdoc />
    public string SimilarityName => "rgb";

    /// <inheritdoc />
    public string CleanName => "palette_rate";

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["rgb_error", "visibility_agreement", "palette_distance", "sharpness"];

    /// <inheritdoc />
    public double Similarity(Material output, Material seed)
    {
        var (o, s) = Pair(output, seed);
        return 1 - RgbError(o, s);
    }

    /// <inheritdoc />
    public (long Clean, long Total) Clean(Material output, Material seed)
    {
        var (o, s) = Pair(output, seed);
        var palette = VisibleColours(s);
        long clean = 0, total = 0;
        for (var i = 0; i < o.Rgba.Length; i += 4)
        {
            if (o.Rgba[i + 3] < VisibleAlpha) continue;
            total++;
            if (palette.Contains(Colour(o.Rgba, i))) clean++;
        }
        return (clean, total);
    }

    /// <inheritdoc />
    public IReadOnlyList<double> Figures(Material output, Material seed)
    {
        var (o, s) = Pair(output, seed);
        return [RgbError(o, s), VisibilityAgreement(o, s), PaletteDistance(o, s), Sharpness(o, s)];
    }

    /// <summary>The colour difference over the pixels visible in <paramref name="seed"/> (all pixels when none is); an invisible output pixel there counts 1.</summary>
    public static double RgbError(RgbaImage output, RgbaImage seed)
    {
        CheckSize(output, seed);
        var anyVisible = VisibleCount(seed) > 0;
        double sum = 0;
        long count = 0;
        for (var i = 0; i < seed.Rgba.Length; i += 4)
        {
            if (anyVisible && seed.Rgba[i + 3] < VisibleAlpha) continue;
            count++;
            sum += anyVisible && output.Rgba[i + 3] < VisibleAlpha ? 1 : Difference(output.Rgba, i, seed.Rgba, i);
        }
        return sum / count;
    }

    /// <summary>The share of pixels that are visible in both images or in neither.</summary>
    public static double VisibilityAgreement(RgbaImage output, RgbaImage seed)
    {
        CheckSize(output, seed);
        long same = 0;
        for (var i = 3; i < seed.Rgba.Length; i += 4)
            if (output.Rgba[i] >= VisibleAlpha == seed.Rgba[i] >= VisibleAlpha) same++;
        return same / (double)(seed.Rgba.Length / 4);
    }

    /// <summary>Each visible output pixel's colour difference to the nearest visible colour of the seed, averaged; NaN when either has no visible pixel or the seed has more than <see cref="MaxPaletteColours"/> colours.</summary>
    public static double PaletteDistance(RgbaImage output, RgbaImage seed)
    {
        CheckSize(output, seed);
        var palette = VisibleColours(seed).ToArray();
        if (palette.Length is 0 or > MaxPaletteColours) return double.NaN;
        var nearest = new Dictionary<int, double>();
        double sum = 0;
        long count = 0;
        for (var i = 0; i < output.Rgba.Length; i += 4)
        {
            if (output.Rgba[i + 3] < VisibleAlpha) continue;
            var colour = Colour(output.Rgba, i);
            if (!nearest.TryGetValue(colour, out var distance))
            {
                distance = palette.Min(p => Difference(colour, p));
                nearest[colour] = distance;
            }
            sum += distance;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>The output's summed neighbour differences over the seed's (colours over black, and alpha); NaN for a flat seed.</summary>
    public static double Sharpness(RgbaImage output, RgbaImage seed)
    {
        CheckSize(output, seed);
        var edges = Edges(seed);
        return edges == 0 ? double.NaN : Edges(output) / edges;
    }

    /// <summary>Summed absolute differences between each pixel and its right and lower neighbours, RGB seen over black and alpha.</summary>
    private static double Edges(RgbaImage image)
    {
        long sum = 0;
        var (w, h, p) = (image.Width, image.Height, image.Rgba);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var i = 4 * (y * w + x);
            if (x + 1 < w) sum += NeighbourDifference(p, i, i + 4);
            if (y + 1 < h) sum += NeighbourDifference(p, i, i + 4 * w);
        }
        return sum;
    }

    private static int NeighbourDifference(byte[] p, int a, int b)
    {
        var d = Math.Abs(p[a + 3] - p[b + 3]);
        for (var c = 0; c < 3; c++)
            d += Math.Abs(RgbaImage.OverBlack(p[a + c], p[a + 3]) - RgbaImage.OverBlack(p[b + c], p[b + 3]));
        return d;
    }

    /// <summary>Both as images, the output at the seed's size.</summary>
    private (RgbaImage Output, RgbaImage Seed) Pair(Material output, Material seed)
    {
        var s = Decoded(seed, "seed");
        var o = Decoded(output, "output");
        return (o.Width == s.Width && o.Height == s.Height ? o : Nearest(o, s.Width, s.Height), s);
    }

    private RgbaImage Decoded(Material material, string field) =>
        decoded.GetValue(material, m => ImageDecoder.Decode(DataOf(m), field));

    private static byte[] DataOf(Material m) => m.Data ?? throw new ArgumentException($"image measures take image files; got {m.MediaType}.");

    /// <summary><paramref name="image"/> scaled to <paramref name="width"/> × <paramref name="height"/> by taking each pixel's nearest source pixel.</summary>
    internal static RgbaImage Nearest(RgbaImage image, int width, int height)
    {
        var rgba = new byte[4L * width * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var sx = (int)((2L * x + 1) * image.Width / (2L * width));
            var sy = (int)((2L * y + 1) * image.Height / (2L * height));
            Array.Copy(image.Rgba, 4 * (sy * image.Width + sx), rgba, 4 * (y * width + x), 4);
        }
        return new RgbaImage(width, height, rgba);
    }

    private static void CheckSize(RgbaImage output, RgbaImage seed)
    {
        if (output.Width != seed.Width || output.Height != seed.Height)
            throw new ArgumentException($"the output ({output.Width}×{output.Height}) and the seed ({seed.Width}×{seed.Height}) must be the same size.");
    }

    private static long VisibleCount(RgbaImage image)
    {
        long count = 0;
        for (var i = 3; i < image.Rgba.Length; i += 4)
            if (image.Rgba[i] >= VisibleAlpha) count++;
        return count;
    }

    private static HashSet<int> VisibleColours(RgbaImage image)
    {
        var colours = new HashSet<int>();
        for (var i = 0; i < image.Rgba.Length; i += 4)
            if (image.Rgba[i + 3] >= VisibleAlpha) colours.Add(Colour(image.Rgba, i));
        return colours;
    }

    private static int Colour(byte[] p, int i) => (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];

    private static double Difference(byte[] a, int i, byte[] b, int j) =>
        (Math.Abs(a[i] - b[j]) + Math.Abs(a[i + 1] - b[j + 1]) + Math.Abs(a[i + 2] - b[j + 2])) / (3 * 255.0);

    private static double Difference(int a, int b) =>
        (Math.Abs((a >> 16) - (b >> 16)) + Math.Abs(((a >> 8) & 255) - ((b >> 8) & 255)) + Math.Abs((a & 255) - (b & 255))) / (3 * 255.0);
}
