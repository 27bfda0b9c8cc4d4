using VaeCreative.Image.Imaging;
using VaeCreative.Image.Training;

namespace VaeCreative.Tests.Image.Training;

public class ImageEncodingTests
{
    private static readonly RgbaImage Pixels = new(2, 1, [200, 100, 50, 255, 90, 80, 70, 0]);

    [Fact]
    public void Rgba_keeps_colour_and_alpha_and_clears_the_colour_of_clear_pixels()
    {
        var encoding = new ImageEncoding { Channels = 4, Size = 2 };
        var square = new RgbaImage(2, 2, [.. Pixels.Rgba, .. Pixels.Rgba]);
        var bytes = new byte[encoding.Dimensions];
        encoding.Write(square, bytes, 0);
        Assert.Equal(new byte[] { 200, 0, 200, 0, 100, 0, 100, 0, 50, 0, 50, 0, 255, 0, 255, 0 }, bytes);
        var back = encoding.ToImage(bytes.Select(b => b / 255f).ToArray());
        Assert.Equal(new byte[] { 200, 100, 50, 255, 0, 0, 0, 0 }, back.Rgba.Take(8));
    }

    [Fact]
    public void Grey_and_rgb_see_alpha_over_black_and_binarised_models_see_zeros_and_ones()
    {
        var square = new RgbaImage(2, 2, [200, 100, 50, 255, 90, 80, 70, 0, 10, 10, 10, 255, 255, 255, 255, 128]);
        var grey = new ImageEncoding { Channels = 1, Size = 2, BinarizeThreshold = 128 };
        var bytes = new byte[4];
        grey.Write(square, bytes, 0);
        Assert.Equal(new byte[] { 124, 0, 10, 128 }, bytes); // luma 124; clear is black; grey kept; half alpha halves
        Assert.Equal(new[] { 0f, 0f, 0f, 1f }, bytes.Select(grey.Value));
        var rgb = new ImageEncoding { Channels = 3, Size = 2 };
        var rgbBytes = new byte[12];
        rgb.Write(square, rgbBytes, 0);
        Assert.Equal(new byte[] { 200, 0, 10, 128 }, rgbBytes.Take(4));
        var image = rgb.ToImage(rgbBytes.Select(b => b / 255f).ToArray());
        Assert.False(image.HasAlpha);
        Assert.True(grey.ToImage([0f, 0.5f, 1f, 0.25f]).IsGrey);
    }

    [Fact]
    public void A_wrongly_sized_image_or_row_is_refused()
    {
        var encoding = new ImageEncoding { Channels = 4, Size = 2 };
        Assert.Throws<ArgumentException>(() => encoding.Write(Pixels, new byte[16], 0));
        Assert.Throws<ArgumentException>(() => encoding.ToImage(new float[15]));
    }
}
