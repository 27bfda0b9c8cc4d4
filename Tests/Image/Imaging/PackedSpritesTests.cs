using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class PackedSpritesTests
{
    /// <summary>A clear sheet with the given filled rectangles (left, top, width, height, grey level), opaque.</summary>
    private static RgbaImage Sheet(int width, int height, params (int X, int Y, int W, int H, byte Level)[] boxes)
    {
        var rgba = new byte[4 * width * height];
        foreach (var (x0, y0, w, h, level) in boxes)
            for (var y = y0; y < y0 + h; y++)
                for (var x = x0; x < x0 + w; x++)
                    (rgba[4 * (y * width + x)], rgba[4 * (y * width + x) + 1], rgba[4 * (y * width + x) + 2], rgba[4 * (y * width + x) + 3]) = (level, (byte)x, (byte)y, 255);
        return new RgbaImage(width, height, rgba);
    }

    private static (int Left, int Top, int Right, int Bottom) Bounds(RgbaImage cell)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (var y = 0; y < cell.Height; y++)
            for (var x = 0; x < cell.Width; x++)
                if (cell.Rgba[4 * (y * cell.Width + x) + 3] != 0)
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
        return (left, top, right, bottom);
    }

    [Fact]
    public void A_sprite_packed_across_a_grid_line_comes_out_whole_and_centred()
    {
        // Sprite A sits inside grid cell 0; B (6 × 4) straddles the line at x = 8; C (6 × 7) lies 1 pixel right of B.
        // Cells come in reading order of the sprites' top-left corners: A, C, B.
        var sheet = Sheet(24, 8, (1, 1, 5, 5, 50), (7, 2, 6, 4, 100), (14, 1, 6, 7, 150));
        var cells = PackedSprites.Cells(sheet, 8);
        Assert.Equal(3, cells.Count);
        Assert.Equal((1, 1, 5, 5), Bounds(cells[0])); // kept where the grid puts it
        Assert.Equal((1, 0, 6, 6), Bounds(cells[1])); // centred
        Assert.Equal((1, 2, 6, 5), Bounds(cells[2])); // centred: 6 × 4 in 8 × 8
        Assert.Equal(100, cells[2].Rgba[4 * (2 * 8 + 1)]);
        Assert.All(cells[2].Rgba.Where((_, i) => i % 4 == 0 && cells[2].Rgba[i + 3] != 0), level => Assert.Equal(100, level));
    }

    [Fact]
    public void Loose_pieces_within_two_pixels_join_their_sprite()
    {
        // A sword and a sparkle one clear row above it make one sprite; a speck far away stays apart.
        var sheet = Sheet(32, 16, (2, 5, 4, 6, 80), (3, 2, 1, 2, 200), (20, 8, 1, 1, 90));
        var cells = PackedSprites.Cells(sheet, 16);
        Assert.Equal(2, cells.Count);
        var levels = cells[0].Rgba.Where((_, i) => i % 4 == 0 && cells[0].Rgba[i + 3] != 0).Distinct().Order().ToList();
        Assert.Equal(new byte[] { 80, 200 }, levels);
    }

    [Fact]
    public void Groups_larger_than_a_cell_are_cut_on_the_grid_keeping_only_their_own_pixels()
    {
        // Two touching 6 × 6 sprites make one 12-wide group: cut on the 8-pixel grid (two cells). A small sprite inside
        // the second of those grid cells, apart from the group, stays out of its cells and gets its own.
        var sheet = Sheet(16, 16, (1, 1, 6, 6, 60), (7, 1, 6, 6, 120), (14, 4, 2, 2, 240));
        var cells = PackedSprites.Cells(sheet, 8);
        Assert.Equal(3, cells.Count);
        Assert.DoesNotContain(cells.Take(2).SelectMany(c => c.Rgba.Where((_, i) => i % 4 == 0 && c.Rgba[i + 3] != 0)), level => level == 240);
        Assert.Equal((0, 1, 4, 6), Bounds(cells[1]));
        Assert.Equal((6, 4, 7, 5), Bounds(cells[2]));
    }

    [Fact]
    public void An_opaque_sheet_is_cut_on_its_grid()
    {
        var rgba = Enumerable.Range(0, 16 * 8).SelectMany(p => new[] { (byte)(p % 16 < 8 ? 10 : 200), (byte)(p / 16), (byte)p, (byte)255 }).ToArray();
        var cells = new SpriteCells();
        var cut = SpriteSheet.Cut(new RgbaImage(16, 8, rgba), 8, cells);
        Assert.Equal(new SpriteSheetCut(2, 2, 0, 0), cut);
        Assert.Equal(10, cells.Cells[0].Rgba[0]);
        Assert.Equal(200, cells.Cells[1].Rgba[0]);
    }

    [Fact]
    public void Specks_count_as_empty_cells()
    {
        // 1 visible pixel of 16 × 16 is under one in 32.
        var cells = new SpriteCells();
        var cut = SpriteSheet.Cut(Sheet(16, 16, (3, 3, 1, 1, 90)), 16, cells);
        Assert.Equal((1, 0, 1), (cut.Cells, cut.Kept, cut.Empty));
    }
}
