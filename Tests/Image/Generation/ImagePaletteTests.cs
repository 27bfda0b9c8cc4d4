using VaeCreative.Image.Generation;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Generation;

public class ImagePaletteTests
{
    [Fact]
    public void Pixels_snap_to_the_nearest_seed_colour_and_faint_pixels_to_clear()
    {
        // Seed: red, blue, clear.
        var seed = new RgbaImage(3, 1, [255, 0, 0, 255, 0, 0, 255, 255, 9, 9, 9, 0]);
        var palette = ImagePalette.Of(seed);
        Assert.Equal(2, palette.Count);
        var output = new RgbaImage(3, 1, [200, 30, 40, 250, 10, 20, 180, 200, 255, 0, 0, 60]);
        Assert.Equal(new byte[] { 255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0 }, palette.Apply(output).Rgba);
    }

    [Fact]
    public void The_nearest_colour_is_the_one_that_looks_nearest_not_the_nearest_in_rgb()
    {
        // sRGB 110 grey is 110 from black and 145 from white, but looks lighter than halfway (Oklab L 0.54).
        var palette = ImagePalette.Of(new RgbaImage(2, 1, [0, 0, 0, 255, 255, 255, 255, 255]));
        Assert.Equal(new byte[] { 255, 255, 255, 255 }, palette.Apply(new RgbaImage(1, 1, [110, 110, 110, 255])).Rgba);
        Assert.Equal(new byte[] { 0, 0, 0, 255 }, palette.Apply(new RgbaImage(1, 1, [90, 90, 90, 255])).Rgba);
        Assert.Equal(0.54, ImagePalette.Oklab(0x6E6E6EFFu).L, 2);
    }

    [Fact]
    public void A_many_coloured_seed_keeps_its_most_frequent_colours_the_same_way_every_time()
    {
        var rgba = new byte[4 * 600];
        for (var p = 0; p < 600; p++) (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = ((byte)(p % 300), (byte)(p % 300 / 2), 7, 255);
        var seed = new RgbaImage(600, 1, rgba);
        Assert.Equal(ImagePalette.MaxColours, ImagePalette.Of(seed).Count);
        Assert.Equal(300, ImagePalette.Of(seed).DistinctColours);
        Assert.Equal(ImagePalette.Of(seed).Apply(seed).Rgba, ImagePalette.Of(seed).Apply(seed).Rgba);
        // An opaque seed has no clear: faint output pixels take the nearest opaque colour.
        var opaque = ImagePalette.Of(new RgbaImage(1, 1, [10, 20, 30, 255])).Apply(new RgbaImage(1, 1, [0, 0, 0, 0]));
        Assert.Equal(new byte[] { 10, 20, 30, 255 }, opaque.Rgba);
    }
}
