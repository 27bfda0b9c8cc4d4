using SkiaSharp;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// A 5×7 pixel font with just the characters a piano roll writes (note names such as <c>C4</c> or <c>C-1</c>,
/// and the legend's words). It is drawn as rectangles rather than with a system typeface because SkiaSharp's
/// Linux natives without dependencies find fonts only where the machine happens to have them (a fresh Debian
/// server has none), and a picture should look the same on every machine.
/// </summary>
internal static class PixelFont
{
    /// <summary>Glyph width in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height in font pixels (capitals and digits fill it; lowercase letters start on row 2).</summary>
    public const int GlyphHeight = 7;

    /// <summary>Font pixels from one glyph's left edge to the next one's.</summary>
    public const int Advance = GlyphWidth + 1;

    // Each glyph is seven rows of five cells, '#' inked.
    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        [' '] = [".....", ".....", ".....", ".....", ".....", ".....", "....."],
        ['-'] = [".....", ".....", ".....", ".###.", ".....", ".....", "....."],
        ['C'] = [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
        ['0'] = [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        ['1'] = ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        ['2'] = [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        ['3'] = ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        ['4'] = ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        ['5'] = ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        ['6'] = ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        ['7'] = ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        ['8'] = [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        ['9'] = [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
        ['a'] = [".....", ".....", ".###.", "....#", ".####", "#...#", ".####"],
        ['d'] = ["....#", "....#", ".####", "#...#", "#...#", "#...#", ".####"],
        ['e'] = [".....", ".....", ".###.", "#...#", "#####", "#....", ".###."],
        ['i'] = ["..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."],
        ['n'] = [".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"],
        ['o'] = [".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."],
        ['r'] = [".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."],
        ['s'] = [".....", ".....", ".####", "#....", ".###.", "....#", "####."],
        ['t'] = [".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."],
        ['v'] = [".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
    };

    /// <summary>Width in device pixels of <paramref name="text"/> at <paramref name="scale"/> (no trailing gap).</summary>
    public static int Width(string text, int scale = 1) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentException">A character the font has no glyph for.</exception>
    public static void Draw(SKCanvas canvas, string text, float x, float y, SKPaint paint, int scale = 1)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!Glyphs.TryGetValue(text[i], out var rows))
                throw new ArgumentException($"the piano roll's font has no '{text[i]}' (in \"{text}\").", nameof(text));
            var left = x + i * Advance * scale;
            for (var row = 0; row < GlyphHeight; row++)
                for (var column = 0; column < GlyphWidth; column++)
                    if (rows[row][column] == '#')
                        canvas.DrawRect(left + column * scale, y + row * scale, scale, scale, paint);
        }
    }
}
