using VaeCreative.Core.Modalities;
using VaeCreative.Image.Evaluation;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;

namespace VaeCreative.Tests.Image.Evaluation;

/// <summary>What eval --variations measures on images: colour error, visibility, palette distance and sharpness against the seed.</summary>
public class ImageVariationMeasuresTests
{
    private static readonly ImageVariationMeasures Measures = new();

    private static RgbaImage Image(int width, int height, params uint[] pixels) =>
        new(width, height, pixels.SelectMany(p => new[] { (byte)(p >> 24), (byte)(p >> 16), (byte)(p >> 8), (byte)p }).ToArray());

    private static Material Png(RgbaImage image) => TinyImageRun.Png(image);

    [Fact]
    public void A_seed_against_itself_is_perfect_on_every_figure()
    {
        var sprite = TinyImageRun.Sprite(3);
        var seed = Png(sprite);
        Assert.Equal(1, Measures.Similarity(seed, seed), 12);
        var (clean, total) = Measures.Clean(seed, seed);
        Assert.True(total > 0);
        Assert.Equal(total, clean);
        Assert.Equal(Measures.FigureNames.Count, Measures.Figures(seed, seed).Count);
        Assert.Equal([0.0, 1.0, 0.0, 1.0], Measures.Figures(seed, seed));
    }

    [Fact]
    public void Figures_follow_their_definitions_on_a_two_pixel_image()
    {
        // Seed: opaque red, then clear. Output: opaque black, then opaque white.
        var seed = Image(2, 1, 0xFF0000FF, 0x00000000);
        var output = Image(2, 1, 0x000000FF, 0xFFFFFFFF);
        Assert.Equal(1 / 3.0, ImageVariationMeasures.RgbError(output, seed), 12); // red against black, over the one visible seed pixel
        Assert.Equal(0.5, ImageVariationMeasures.VisibilityAgreement(output, seed), 12);
        Assert.Equal((1 / 3.0 + 2 / 3.0) / 2, ImageVariationMeasures.PaletteDistance(output, seed), 12); // black and white to red
        var (clean, total) = Measures.Clean(Png(output), Png(seed));
        Assert.Equal((0L, 2L), (clean, total));
        // An output pixel missing where the seed shows one counts as wholly wrong.
        Assert.Equal(1, ImageVariationMeasures.RgbError(Image(2, 1, 0xFF000000, 0x00000000), seed), 12);
    }

    [Fact]
    public void Blurring_lowers_the_sharpness_below_one_and_a_flat_seed_has_none()
    {
        var checks = Enumerable.Range(0, 16).Select(i => ((i % 4) + (i / 4)) % 2 == 0 ? 0xFFFFFFFFu : 0x000000FFu).ToArray();
        var seed = Image(4, 4, checks);
        var grey = Image(4, 4, Enumerable.Repeat(0x808080FFu, 16).ToArray());
        Assert.Equal(1, ImageVariationMeasures.Sharpness(seed, seed), 12);
        Assert.Equal(0, ImageVariationMeasures.Sharpness(grey, seed), 12);
        var softer = Image(4, 4, checks.Select(p => p == 0xFFFFFFFFu ? 0xC0C0C0FFu : 0x404040FFu).ToArray());
        Assert.InRange(ImageVariationMeasures.Sharpness(softer, seed), 0.49, 0.51);
        Assert.True(double.IsNaN(ImageVariationMeasures.Sharpness(seed, grey)));
    }

    [Fact]
    public void An_output_of_another_size_is_compared_at_the_seed_s_size()
    {
        var sprite = TinyImageRun.Sprite(5, size: 8);
        var doubled = Image(16, 16, Enumerable.Range(0, 256).Select(i =>
        {
            var (x, y) = (i % 16 / 2, i / 16 / 2);
            var o = 4 * (y * 8 + x);
            return (uint)(sprite.Rgba[o] << 24 | sprite.Rgba[o + 1] << 16 | sprite.Rgba[o + 2] << 8 | sprite.Rgba[o + 3]);
        }).ToArray());
        Assert.Equal([0.0, 1.0, 0.0, 1.0], Measures.Figures(Png(doubled), Png(sprite)));
    }

    [Fact]
    public void Palette_distance_applies_to_palette_images_only()
    {
        var colours = Enumerable.Range(0, 4097 + 3).Select(i => (uint)(i * 4099) << 8 | 0xFF).ToArray();
        var photo = Image(colours.Length, 1, colours);
        Assert.True(double.IsNaN(ImageVariationMeasures.PaletteDistance(photo, photo)));
        var clear = Image(1, 1, 0x00000000);
        Assert.True(double.IsNaN(ImageVariationMeasures.PaletteDistance(clear, clear)));
        Assert.Equal(1, ImageVariationMeasures.VisibilityAgreement(clear, clear), 12);
    }
}
