using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class ImageEncoderTests
{
    [Fact]
    public void Rgba_with_clear_and_faint_pixels_round_trips_exactly()
    {
        var random = new Random(3);
        var rgba = new byte[4 * 7 * 5];
        random.NextBytes(rgba);
        rgba[3] = 0;   // clear, with a colour
        rgba[7] = 1;   // faint
        var image = new RgbaImage(7, 5, rgba);
        var png = ImageEncoder.Png(image);
        Assert.Equal(rgba, ImageDecoder.Decode(png, "out").Rgba);
    }

    [Fact]
    public void An_opaque_grey_image_is_written_as_grey_and_reads_back_the_same()
    {
        var rgba = new byte[4 * 16 * 16];
        for (var p = 0; p < 256; p++) (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = ((byte)p, (byte)p, (byte)p, 255);
        var image = new RgbaImage(16, 16, rgba);
        var grey = ImageEncoder.Png(image);
        Assert.Equal(0, grey[25]); // IHDR colour type: 0, grey
        Assert.Equal(rgba, ImageDecoder.Decode(grey, "out").Rgba);
        Assert.Equal(2, ImageEncoder.Png(image, grey: false)[25]); // RGB when asked for colour: it is opaque
    }

    [Fact]
    public void Opaque_colour_is_written_as_rgb_and_anything_with_alpha_as_rgba()
    {
        byte[] opaque = [200, 10, 30, 255, 0, 90, 40, 255];
        var rgb = ImageEncoder.Png(new RgbaImage(2, 1, opaque));
        Assert.Equal(2, rgb[25]); // IHDR colour type: 2, RGB
        Assert.Equal(opaque, ImageDecoder.Decode(rgb, "out").Rgba);
        byte[] faint = [200, 10, 30, 255, 0, 90, 40, 254];
        var rgba = ImageEncoder.Png(new RgbaImage(2, 1, faint));
        Assert.Equal(6, rgba[25]); // RGBA
        Assert.Equal(faint, ImageDecoder.Decode(rgba, "out").Rgba);
    }
}
