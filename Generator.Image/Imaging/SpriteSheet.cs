namespace VaeCreative.Image.Imaging;

/// <summary>
/// Cuts a sprite sheet into square cells (<c>train --tile N</c>), keeping only cells worth learning from: a cell that
/// is entirely clear, or one flat colour, is empty; a cell equal byte for byte to an earlier kept cell (of this sheet or
/// of earlier sheets given the same <see cref="SpriteCells"/>) is a duplicate. An opaque sheet is cut on its grid, row
/// by row from the top left (a strip at the right or bottom edge narrower than a cell is not a cell); a sheet with
/// transparency is cut sprite by sprite (<see cref="PackedSprites"/>), so packed atlases, whose sprites a grid would
/// cut through, give whole sprites.
/// </summary>
public static class SpriteSheet
{
    /// <summary>Smallest cell side.</summary>
    public const int MinTile = 4;

    /// <summary>Largest cell side.</summary>
    public const int MaxTile = 512;

    /// <summary>A cell with fewer than one visible pixel in this many is a speck, left out as empty.</summary>
    public const int MinVisibleShare = 32;

    /// <summary>
    /// The cells of <paramref name="sheet"/> of side <paramref name="tile"/> that are neither empty nor already in
    /// <paramref name="cells"/>, added to it; returns what this sheet gave.
    /// </summary>
    public static SpriteSheetCut Cut(RgbaImage sheet, int tile, SpriteCells cells)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, MinTile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tile, MaxTile);
        var candidates = sheet.HasAlpha ? PackedSprites.Cells(sheet, tile) : Grid(sheet, tile);
        int kept = 0, empty = 0, duplicate = 0;
        foreach (var cell in candidates)
        {
            if (IsEmpty(cell.Rgba)) empty++;
            else if (!cells.TryAdd(cell)) duplicate++;
            else kept++;
        }
        return new SpriteSheetCut(candidates.Count, kept, empty, duplicate);
    }

    /// <summary>The whole cells of the grid, row by row (a strip at the right or bottom edge narrower than a cell is left out).</summary>
    private static List<RgbaImage> Grid(RgbaImage sheet, int tile)
    {
        int columns = sheet.Width / tile, rows = sheet.Height / tile;
        var result = new List<RgbaImage>(columns * rows);
        for (var row = 0; row < rows; row++)
            for (var column = 0; column < columns; column++)
            {
                var cell = new byte[4 * tile * tile];
                for (var y = 0; y < tile; y++)
                    Array.Copy(sheet.Rgba, 4 * ((row * tile + y) * sheet.Width + column * tile), cell, 4 * y * tile, 4 * tile);
                result.Add(new RgbaImage(tile, tile, cell));
            }
        return result;
    }

    /// <summary>True when <paramref name="image"/> is entirely clear, or every pixel has the same colour and alpha (nothing to learn from).</summary>
    public static bool IsEmpty(RgbaImage image) => IsEmpty(image.Rgba);

    /// <summary>
    /// Entirely clear, every pixel the same colour and alpha, or a speck: fewer than one pixel in
    /// <see cref="MinVisibleShare"/> visible (a stray fragment of a packed sheet, not a sprite).
    /// </summary>
    internal static bool IsEmpty(byte[] cell)
    {
        var visible = 0;
        for (var i = 3; i < cell.Length; i += 4)
            if (cell[i] != 0) visible++;
        if (visible * MinVisibleShare < cell.Length / 4) return true;
        var clear = true;
        var flat = true;
        for (var i = 0; i < cell.Length && (clear || flat); i += 4)
        {
            if (cell[i + 3] != 0) clear = false;
            if (cell[i] != cell[0] || cell[i + 1] != cell[1] || cell[i + 2] != cell[2] || cell[i + 3] != cell[3]) flat = false;
        }
        return clear || flat;
    }
}
