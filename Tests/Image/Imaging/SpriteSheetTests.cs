using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class SpriteSheetTests
{
    /// <summary>A sheet of <paramref name="columns"/> × <paramref name="rows"/> 4-pixel cells (plus <paramref name="extra"/> pixels of edge), each filled by <paramref name="cell"/>(column, row, x, y).</summary>
    private static RgbaImage Sheet(int columns, int rows, Func<int, int, int, int, byte[]> cell, int extra = 0)
    {
        int width = columns * 4 + extra, height = rows * 4 + extra;
        var rgba = new byte[4 * width * height];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                for (var y = 0; y < 4; y++)
                    for (var x = 0; x < 4; x++)
                        cell(c, r, x, y).CopyTo(rgba, 4 * ((r * 4 + y) * width + c * 4 + x));
        return new RgbaImage(width, height, rgba);
    }

    [Fact]
    public void Cells_of_an_opaque_sheet_are_cut_row_by_row_and_flat_and_duplicate_cells_are_dropped()
    {
        // Row 0: a sprite, a flat black cell, a flat red cell; row 1: the first sprite again, another sprite, one pixel on
        // black. Opaque throughout (the 3-pixel edge too), so the sheet is cut on its grid.
        var sheet = Opaque(Sheet(3, 2, (c, r, x, y) => (c, r) switch
        {
            (0, _) => [(byte)(x * 60), (byte)(y * 60), 9, 255],
            (1, 0) => [0, 0, 0, 0],
            (2, 0) => [255, 0, 0, 255],
            (1, 1) => [(byte)(y * 60), (byte)(x * 60), 9, 255],
            _ => x == 1 && y == 2 ? [200, 200, 0, 255] : [0, 0, 0, 0],
        }, extra: 3));
        var cells = new SpriteCells();
        var cut = SpriteSheet.Cut(sheet, 4, cells);
        Assert.Equal(new SpriteSheetCut(Cells: 6, Kept: 3, Empty: 2, Duplicates: 1), cut);
        Assert.Equal(3, cells.Cells.Count);
        Assert.Equal(new byte[] { 0, 0, 9, 255, 60, 0, 9, 255 }, cells.Cells[0].Rgba.Take(8));
        Assert.Equal(new byte[] { 200, 200, 0, 255 }, cells.Cells[2].Rgba.Skip(4 * (2 * 4 + 1)).Take(4));
        // A second sheet holding the same sprites adds nothing.
        Assert.Equal(new SpriteSheetCut(6, 0, 2, 4), SpriteSheet.Cut(sheet, 4, cells));
    }

    private static RgbaImage Opaque(RgbaImage image)
    {
        var rgba = (byte[])image.Rgba.Clone();
        for (var i = 3; i < rgba.Length; i += 4) rgba[i] = 255;
        return new RgbaImage(image.Width, image.Height, rgba);
    }

    [Fact]
    public void Tile_sizes_outside_the_range_are_refused()
    {
        var sheet = Sheet(1, 1, (_, _, _, _) => [1, 2, 3, 255]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpriteSheet.Cut(sheet, 3, new SpriteCells()));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpriteSheet.Cut(sheet, 513, new SpriteCells()));
        Assert.Equal(new SpriteSheetCut(0, 0, 0, 0), SpriteSheet.Cut(sheet, 8, new SpriteCells())); // smaller than one cell
    }
}
