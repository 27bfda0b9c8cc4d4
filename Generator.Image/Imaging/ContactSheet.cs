using SkiaSharp;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Lays images out on one opaque sheet, in order, row by row: a seed and its variations (<c>STEM-sheet.png</c>), an
/// interpolation's frames in a strip, samples in a grid. Images with any transparency are shown over a checkerboard,
/// as image editors do, so clear and faint pixels can be told apart; cells are separated by a dark gap. Images larger
/// than <see cref="MaxCell"/> on a side are reduced (aspect kept) so a sheet of large pictures stays a few megapixels.
/// </summary>
public static class ContactSheet
{
    /// <summary>Largest cell side, in pixels.</summary>
    public const int MaxCell = 512;

    /// <summary>Most pixels the cells of one sheet take together (16 megapixels): many large images get smaller cells.</summary>
    public const long MaxSheetPixels = 16L << 20;

    /// <summary>Gap between cells and around the sheet, in pixels.</summary>
    public const int Gap = 2;

    /// <summary>Side of a checkerboard square, in pixels.</summary>
    public const int CheckerSquare = 8;

    private static readonly (byte R, byte G, byte B) GapColour = (48, 48, 48);

    /// <summary>
    /// The sheet of <paramref name="images"/> in <paramref name="columns"/> columns (default: the smallest square grid
    /// that holds them, so a seed and eight variations make 3 × 3).
    /// </summary>
    public static RgbaImage Compose(IReadOnlyList<RgbaImage> images, int? columns = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("a contact sheet needs at least one image.", nameof(images));
        var perRow = columns ?? (int)Math.Ceiling(Math.Sqrt(images.Count));
        ArgumentOutOfRangeException.ThrowIfLessThan(perRow, 1, nameof(columns));
        perRow = Math.Min(perRow, images.Count);
        // Cells of at most MaxCell pixels a side, smaller still when there are so many that the sheet would pass
        // MaxSheetPixels (1,025 large variations would otherwise make a gigabyte sheet).
        var maxCell = (int)Math.Clamp(Math.Floor(Math.Sqrt((double)MaxSheetPixels / images.Count)), 16, MaxCell);
        var cells = images.Select(i => Shrink(i, maxCell)).ToList();
        int cellWidth = cells.Max(c => c.Width), cellHeight = cells.Max(c => c.Height);
        var rows = (images.Count + perRow - 1) / perRow;
        int width = perRow * (cellWidth + Gap) + Gap, height = rows * (cellHeight + Gap) + Gap;
        var checker = images.Any(i => i.HasAlpha);
        var sheet = new byte[4 * width * height];
        for (var p = 0; p < width * height; p++)
            (sheet[4 * p], sheet[4 * p + 1], sheet[4 * p + 2], sheet[4 * p + 3]) = (GapColour.R, GapColour.G, GapColour.B, 255);
        for (var k = 0; k < cells.Count; k++)
        {
            var cell = cells[k];
            int left = Gap + k % perRow * (cellWidth + Gap), top = Gap + k / perRow * (cellHeight + Gap);
            for (var y = 0; y < cellHeight; y++)
                for (var x = 0; x < cellWidth; x++)
                {
                    // The cell's backdrop: checkerboard (or white) everywhere, the image centred on it.
                    byte back = checker && ((x / CheckerSquare + y / CheckerSquare) & 1) == 1 ? (byte)204 : (byte)255;
                    int ix = x - (cellWidth - cell.Width) / 2, iy = y - (cellHeight - cell.Height) / 2;
                    var o = 4 * ((top + y) * width + left + x);
                    if (ix < 0 || iy < 0 || ix >= cell.Width || iy >= cell.Height)
                    {
                        (sheet[o], sheet[o + 1], sheet[o + 2]) = (back, back, back);
                        continue;
                    }
                    var i = 4 * (iy * cell.Width + ix);
                    var a = cell.Rgba[i + 3];
                    for (var c = 0; c < 3; c++) sheet[o + c] = (byte)((cell.Rgba[i + c] * a + back * (255 - a) + 127) / 255);
                }
        }
        return new RgbaImage(width, height, sheet);
    }

    private static RgbaImage Shrink(RgbaImage image, int maxCell)
    {
        if (image.Width <= maxCell && image.Height <= maxCell) return image;
        var (width, height) = ImageFit.Within(image.Width, image.Height, maxCell);
        return ImageFit.Resize(image, width, height, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
    }
}
