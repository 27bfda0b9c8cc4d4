namespace VaeCreative.Image.Imaging;

/// <summary>
/// Finds the sprites of a sheet with transparency, whether it is a grid (every sprite in its own cell) or a packed
/// atlas (sprites cropped to their bounding boxes and packed edge to edge, as game tile packers write them, so a grid
/// cuts through them). Visible pixels (alpha &gt; 0) are grouped into 8-connected parts; parts whose bounding boxes
/// overlap or come within <see cref="JoinGap"/> pixels are joined while the join still fits a cell (a sprite's loose sparkles and shadows join it). A group that
/// fits a cell becomes one cell holding only its own pixels: at its grid position when it lies within one grid cell,
/// else centred. A group larger than a cell (touching sprites, a big picture, an opaque grid sheet) is cut on the
/// sheet's grid instead, keeping only its own pixels.
/// </summary>
public static class PackedSprites
{
    /// <summary>Parts whose boxes come within this many pixels of each other are joined (when the join fits a cell).</summary>
    public const int JoinGap = 2;

    /// <summary>The cells of <paramref name="sheet"/> (side <paramref name="tile"/>), in reading order of their groups.</summary>
    public static List<RgbaImage> Cells(RgbaImage sheet, int tile)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, SpriteSheet.MinTile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tile, SpriteSheet.MaxTile);
        var width = sheet.Width;
        var labels = Label(sheet, out var boxes);
        var groups = Join(boxes, tile);
        var groupOf = new int[boxes.Count];
        for (var g = 0; g < groups.Count; g++)
            foreach (var part in groups[g].Parts) groupOf[part] = g;
        var cells = new List<RgbaImage>();
        foreach (var (g, group) in groups.Select((group, g) => (g, group)).OrderBy(x => x.group.Box.Top).ThenBy(x => x.group.Box.Left))
        {
            var box = group.Box;
            bool Mine(int x, int y) => labels[y * width + x] is var l && l >= 0 && groupOf[l] == g;
            if (box.Width <= tile && box.Height <= tile)
            {
                // Within one grid cell: keep the sheet's placement; otherwise centre the sprite.
                var sameCell = box.Left / tile == box.Right / tile && box.Top / tile == box.Bottom / tile;
                var left = sameCell ? box.Left / tile * tile : box.Left - (tile - box.Width) / 2;
                var top = sameCell ? box.Top / tile * tile : box.Top - (tile - box.Height) / 2;
                cells.Add(Copy(sheet, left, top, tile, Mine));
                continue;
            }
            for (var top = box.Top / tile * tile; top <= box.Bottom; top += tile)
                for (var left = box.Left / tile * tile; left <= box.Right; left += tile)
                    cells.Add(Copy(sheet, left, top, tile, Mine));
        }
        return cells;
    }

    /// <summary>A tile-square cell at (<paramref name="left"/>, <paramref name="top"/>) holding the pixels <paramref name="mine"/> accepts (outside the sheet: clear).</summary>
    private static RgbaImage Copy(RgbaImage sheet, int left, int top, int tile, Func<int, int, bool> mine)
    {
        var rgba = new byte[4 * tile * tile];
        for (var y = 0; y < tile; y++)
        {
            var sy = top + y;
            if (sy < 0 || sy >= sheet.Height) continue;
            for (var x = 0; x < tile; x++)
            {
                var sx = left + x;
                if (sx < 0 || sx >= sheet.Width || !mine(sx, sy)) continue;
                Array.Copy(sheet.Rgba, 4 * (sy * sheet.Width + sx), rgba, 4 * (y * tile + x), 4);
            }
        }
        return new RgbaImage(tile, tile, rgba);
    }

    /// <summary>8-connected parts of visible pixels: a label per pixel (−1 where clear) and each part's bounding box.</summary>
    private static int[] Label(RgbaImage sheet, out List<Box> boxes)
    {
        int width = sheet.Width, height = sheet.Height;
        var labels = new int[width * height];
        Array.Fill(labels, -1);
        boxes = [];
        var stack = new Stack<int>();
        for (var start = 0; start < labels.Length; start++)
        {
            if (labels[start] >= 0 || sheet.Rgba[4 * start + 3] == 0) continue;
            var label = boxes.Count;
            var box = new Box(start % width, start / width, start % width, start / width);
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                int px = p % width, py = p / width;
                box = box.With(px, py);
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = px + dx, ny = py + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        var n = ny * width + nx;
                        if (labels[n] >= 0 || sheet.Rgba[4 * n + 3] == 0) continue;
                        labels[n] = label;
                        stack.Push(n);
                    }
            }
            boxes.Add(box);
        }
        return labels;
    }

    /// <summary>Parts joined while their boxes overlap and the joined box still fits a cell; larger parts stay alone.</summary>
    private static List<(Box Box, List<int> Parts)> Join(List<Box> boxes, int tile)
    {
        var groups = boxes.Select((b, i) => (Box: b, Parts: new List<int> { i })).ToList();
        bool joined;
        do
        {
            joined = false;
            // Sorted by left edge, so only groups starting before this one's right edge can overlap it.
            groups.Sort((a, b) => a.Box.Left != b.Box.Left ? a.Box.Left.CompareTo(b.Box.Left) : a.Box.Top.CompareTo(b.Box.Top));
            for (var i = 0; i < groups.Count; i++)
            {
                for (var j = i + 1; j < groups.Count && groups[j].Box.Left <= groups[i].Box.Right; j++)
                {
                    var (a, b) = (groups[i].Box, groups[j].Box);
                    if (!a.Near(b, JoinGap)) continue;
                    var union = a.Union(b);
                    if (union.Width > tile || union.Height > tile) continue;
                    groups[i].Parts.AddRange(groups[j].Parts);
                    groups[i] = (union, groups[i].Parts);
                    groups.RemoveAt(j);
                    j--;
                    joined = true;
                }
            }
        }
        while (joined);
        return groups;
    }

    private readonly record struct Box(int Left, int Top, int Right, int Bottom)
    {
        public int Width => Right - Left + 1;

        public int Height => Bottom - Top + 1;

        public Box With(int x, int y) => new(Math.Min(Left, x), Math.Min(Top, y), Math.Max(Right, x), Math.Max(Bottom, y));

        /// <summary>True when the boxes overlap or lie within <paramref name="gap"/> pixels of each other.</summary>
        public bool Near(Box o, int gap) => Left <= o.Right + gap && o.Left <= Right + gap && Top <= o.Bottom + gap && o.Top <= Bottom + gap;

        public Box Union(Box o) => new(Math.Min(Left, o.Left), Math.Min(Top, o.Top), Math.Max(Right, o.Right), Math.Max(Bottom, o.Bottom));
    }
}
