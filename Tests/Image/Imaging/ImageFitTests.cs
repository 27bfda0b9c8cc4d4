using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class ImageFitTests
{
    /// <summary>A <paramref name="width"/> × <paramref name="height"/> image whose pixel (x, y) is <paramref name="pixel"/>(x, y).</summary>
    private static RgbaImage Make(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var rgba = new byte[4 * width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                var i = 4 * (y * width + x);
                (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (r, g, b, a);
            }
        return new RgbaImage(width, height, rgba);
    }

    private static (byte, byte, byte, byte) At(RgbaImage image, int x, int y)
    {
        var i = 4 * (y * image.Width + x);
        return (image.Rgba[i], image.Rgba[i + 1], image.Rgba[i + 2], image.Rgba[i + 3]);
    }

    [Fact]
    public void Pixel_art_is_enlarged_by_whole_pixels_centred_on_clear_and_comes_back_exactly()
    {
        var sprite = Make(16, 8, (x, y) => ((byte)(x * 16), (byte)(y * 32), (byte)(x ^ y), (byte)(x % 3 == 0 ? 0 : 255)));
        var (fitted, placement) = ImageFit.ToSquare(sprite, 32);
        Assert.Equal(new ImagePlacement(16, 8, 32, 0, 8, 32, 16, PixelArt: true), placement);
        Assert.Equal((0, 0, 0, 0), ((int, int, int, int))At(fitted, 5, 3)); // padding above is clear
        Assert.Equal(At(sprite, 5, 2), At(fitted, 10, 8 + 4));
        Assert.Equal(At(sprite, 5, 2), At(fitted, 11, 8 + 5)); // a 2×2 block per pixel
        Assert.Equal(sprite.Rgba, ImageFit.Back(fitted, placement).Rgba);
    }

    [Fact]
    public void A_seed_that_already_fits_exactly_is_kept_as_is()
    {
        var image = Make(28, 28, (x, y) => ((byte)x, (byte)y, 0, 255));
        var (fitted, placement) = ImageFit.ToSquare(image, 28);
        Assert.Equal(image.Rgba, fitted.Rgba);
        Assert.Equal(image.Rgba, ImageFit.Back(fitted, placement).Rgba);
    }

    [Fact]
    public void A_large_image_is_reduced_by_area_so_fine_detail_averages_out()
    {
        // A one-pixel black and white checkerboard, 128 × 64: reduced 4× it must be mid grey, not a pattern.
        var board = Make(128, 64, (x, y) => (x + y) % 2 == 0 ? ((byte)0, (byte)0, (byte)0, (byte)255) : ((byte)255, (byte)255, (byte)255, (byte)255));
        var (fitted, placement) = ImageFit.ToSquare(board, 32);
        Assert.Equal(new ImagePlacement(128, 64, 32, 0, 8, 32, 16, PixelArt: false), placement);
        for (var y = 8; y < 24; y++)
            for (var x = 0; x < 32; x++)
            {
                var (r, _, _, a) = At(fitted, x, y);
                Assert.InRange(r, 100, 155);
                Assert.Equal(255, a);
            }
        var back = ImageFit.Back(fitted, placement);
        Assert.Equal((128, 64), (back.Width, back.Height));
    }

    [Fact]
    public void Clear_pixels_do_not_darken_their_neighbours_when_reduced()
    {
        // Left half clear black, right half opaque white: the reduced edge may be part clear, but never grey.
        var image = Make(64, 64, (x, _) => x < 32 ? ((byte)0, (byte)0, (byte)0, (byte)0) : ((byte)255, (byte)255, (byte)255, (byte)255));
        var (fitted, _) = ImageFit.ToSquare(image, 16);
        for (var x = 0; x < 16; x++)
        {
            var (r, _, _, a) = At(fitted, x, 8);
            if (a > 0) Assert.InRange(r, 250, 255);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 300)]
    [InlineData(300, 1)]
    [InlineData(33, 31)]
    [InlineData(500, 375)]
    public void Any_size_round_trips_to_its_own_size(int width, int height)
    {
        var image = Make(width, height, (x, y) => ((byte)x, (byte)y, 7, 255));
        var (fitted, placement) = ImageFit.ToSquare(image, 32);
        Assert.Equal((32, 32), (fitted.Width, fitted.Height));
        Assert.InRange(placement.Width, 1, 32);
        Assert.InRange(placement.Height, 1, 32);
        Assert.True(placement.Width == 32 || placement.Height == 32, "the longer side fills the square");
        var back = ImageFit.Back(fitted, placement);
        Assert.Equal((width, height), (back.Width, back.Height));
    }
}
