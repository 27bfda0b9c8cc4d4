using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class ContactSheetTests
{
    private static RgbaImage Solid(int width, int height, byte r, byte g, byte b, byte a)
    {
        var rgba = new byte[4 * width * height];
        for (var p = 0; p < width * height; p++) (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = (r, g, b, a);
        return new RgbaImage(width, height, rgba);
    }

    private static (byte, byte, byte, byte) At(RgbaImage image, int x, int y)
    {
        var i = 4 * (y * image.Width + x);
        return (image.Rgba[i], image.Rgba[i + 1], image.Rgba[i + 2], image.Rgba[i + 3]);
    }

    [Fact]
    public void A_seed_and_eight_variations_make_a_three_by_three_opaque_sheet_in_order()
    {
        var images = Enumerable.Range(0, 9).Select(k => Solid(16, 16, (byte)(k * 20), 0, 0, 255)).ToList();
        var sheet = ContactSheet.Compose(images);
        Assert.Equal((3 * 18 + 2, 3 * 18 + 2), (sheet.Width, sheet.Height));
        Assert.False(sheet.HasAlpha);
        Assert.Equal((0, 0, 0, 255), ((int, int, int, int))At(sheet, 2 + 5, 2 + 5));            // the seed, top left
        Assert.Equal((80, 0, 0, 255), ((int, int, int, int))At(sheet, 2 + 18 + 5, 2 + 18 + 5));  // the fifth image (index 4): the centre
        Assert.Equal((48, 48, 48, 255), ((int, int, int, int))At(sheet, 0, 0));                 // the gap
    }

    [Fact]
    public void Transparent_images_sit_on_a_checkerboard_and_a_strip_is_one_row()
    {
        var clear = Solid(16, 16, 255, 0, 0, 0);
        var half = Solid(16, 16, 0, 0, 255, 128);
        var strip = ContactSheet.Compose([clear, half, clear], columns: 3);
        Assert.Equal((3 * 18 + 2, 18 + 2), (strip.Width, strip.Height));
        Assert.Equal((255, 255, 255, 255), ((int, int, int, int))At(strip, 2, 2));     // clear over a white square
        Assert.Equal((204, 204, 204, 255), ((int, int, int, int))At(strip, 2 + 8, 2)); // … and a grey one beside it
        // Half-opaque blue over white keeps blue at 255 and lets 127/255 of the white through in red and green;
        // over the grey square, 127/255 of 204.
        Assert.Equal((127, 127, 255, 255), ((int, int, int, int))At(strip, 2 + 18 + 1, 2 + 1));
        Assert.Equal((102, 102, 230, 255), ((int, int, int, int))At(strip, 2 + 18 + 9, 2 + 1));
    }

    [Fact]
    public void Large_images_are_reduced_to_the_largest_cell_and_uneven_sizes_are_centred()
    {
        var sheet = ContactSheet.Compose([Solid(2000, 1000, 0, 255, 0, 255), Solid(10, 10, 0, 0, 255, 255)], columns: 2);
        Assert.Equal((2 * (ContactSheet.MaxCell + 2) + 2, 256 + 4), (sheet.Width, sheet.Height));
        var middle = 2 + ContactSheet.MaxCell + 2 + ContactSheet.MaxCell / 2;
        Assert.Equal((0, 0, 255, 255), ((int, int, int, int))At(sheet, middle, 2 + 128)); // the small image, centred in its cell
        Assert.Throws<ArgumentException>(() => ContactSheet.Compose([]));
    }

    [Fact]
    public void Many_large_images_get_smaller_cells_so_the_sheet_stays_bounded()
    {
        // 1,025 images of 600 × 600 (a seed and 1,024 variations): cells shrink from 512 to 127 pixels.
        var image = Solid(600, 600, 9, 9, 9, 255);
        var sheet = ContactSheet.Compose(Enumerable.Repeat(image, 1025).ToList());
        var cell = (int)Math.Floor(Math.Sqrt((double)ContactSheet.MaxSheetPixels / 1025));
        Assert.Equal(33 * (cell + ContactSheet.Gap) + ContactSheet.Gap, sheet.Width);
        Assert.True((long)sheet.Width * sheet.Height < 2 * ContactSheet.MaxSheetPixels);
    }
}
