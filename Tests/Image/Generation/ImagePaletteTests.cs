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
    public void A_many_coloured_seed_keeps_its_most_frequent_colours_the_same_way_every_time()
    {
        var rgba = new byte[4 * 600];
        for (var p = 0; p < 600; p++) (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = ((byte)(p % 300), (byte)(p % 300 / 2), 7, 255);
        var seed = new RgbaImage(600, 1, rgba);
        Assert.Equal(ImagePalette.MaxColours, ImagePalette.Of(seed).Count);
        Assert.Equal(ImagePalette.Of(seed).Apply(seed).Rgba, ImagePalette.Of(seed).Apply(seed).Rgba);
        // An opaque seed has no clear: faint output pixels take the nearest opaque colour.
        var opaque = ImagePalette.Of(new RgbaImage(1, 1, [10, 20, 30, 255])).Apply(new RgbaImage(1, 1, [0, 0, 0, 0]));
        Assert.Equal(new byte[] { 10, 20, 30, 255 }, opaque.Rgba);
    }
}
