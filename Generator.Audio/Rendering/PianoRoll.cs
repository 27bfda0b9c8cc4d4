using SkiaSharp;
using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// Draws a variation over the melody it was made from as a PNG piano roll: time to the right, pitch up, the seed
/// as translucent blue boxes behind and the variation as orange bars on top, with a legend, note names on the C
/// rows and a line at each bar start.
/// </summary>
public static class PianoRoll
{
    /// <summary>Width of a step (a sixteenth note) in pixels while the picture fits <see cref="MaxWidth"/>.</summary>
    public const int PixelsPerStep = 6;

    /// <summary>Widest picture in pixels; longer melodies get narrower steps (down to a fraction of a pixel).</summary>
    public const int MaxWidth = 8192;

    /// <summary>Fewest pixels between two bar lines; a bar start closer than this to the last line drawn gets none.</summary>
    private const int MinBarLineGap = 4;

    /// <summary>
    /// The PNG bytes of a piano roll of <paramref name="variation"/> over <paramref name="seed"/>. The picture is as
    /// wide as the longer melody (<see cref="PixelsPerStep"/> a step, at most <see cref="MaxWidth"/>) and as tall
    /// as the pitches both use, two semitones of room on each side; empty melodies get one bar of C4–C5. The same
    /// melodies and bars always give the same bytes.
    /// </summary>
    /// <param name="seed">The material the variation came from, or null to draw the variation alone.</param>
    /// <param name="variation">The melody made from the seed.</param>
    /// <param name="barStarts">
    /// The step of each bar's first sixteenth, in increasing order (the metre may change, so they are not derived
    /// here); starts past the picture's last step are left out, and so are lines that would fall within a few pixels
    /// of the previous one (only when a very long melody is squeezed into <see cref="MaxWidth"/>).
    /// </param>
    /// <exception cref="ArgumentException">A bar start is negative or not after the one before it.</exception>
    public static byte[] Render(Melody? seed, Melody variation, IReadOnlyList<int> barStarts)
    {
        ArgumentNullException.ThrowIfNull(variation);
        ArgumentNullException.ThrowIfNull(barStarts);
        for (var i = 0; i < barStarts.Count; i++)
        {
            if (barStarts[i] < 0)
                throw new ArgumentException($"bar start {i} is step {barStarts[i]}; bar starts are steps from 0.", nameof(barStarts));
            if (i > 0 && barStarts[i] <= barStarts[i - 1])
                throw new ArgumentException($"bar start {i} (step {barStarts[i]}) is not after bar start {i - 1} (step {barStarts[i - 1]}); bar starts must increase.", nameof(barStarts));
        }

        var layout = PianoRollLayout.For(seed, variation);
        var info = new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {layout.Width}×{layout.Height} picture.");
        var canvas = surface.Canvas;
        canvas.Clear(PianoRollPalette.Background);
        DrawRows(canvas, layout);
        DrawBarLines(canvas, layout, barStarts);
        if (seed is not null) DrawSeed(canvas, layout, seed);
        DrawVariation(canvas, layout, variation);
        DrawLegend(canvas, seed is not null);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the piano roll as PNG.");
        return data.ToArray();
    }

    private static void DrawRows(SKCanvas canvas, PianoRollLayout layout)
    {
        using var blackKey = Fill(PianoRollPalette.BlackKeyRow);
        using var octave = Fill(PianoRollPalette.OctaveLine);
        using var text = Fill(PianoRollPalette.Text);
        var left = PianoRollLayout.Left;
        for (var pitch = layout.LowPitch; pitch <= layout.HighPitch; pitch++)
        {
            var top = layout.RowTop(pitch);
            if (IsBlackKey(pitch)) canvas.DrawRect(left, top, layout.PlotWidth, PianoRollLayout.RowHeight, blackKey);
            if (pitch % 12 != 0) continue;
            // The line sits under the C row, where the octave begins when reading upwards.
            canvas.DrawRect(left, top + PianoRollLayout.RowHeight - 1, layout.PlotWidth, 1, octave);
            var name = NoteName(pitch);
            var y = top + (PianoRollLayout.RowHeight - PixelFont.GlyphHeight) / 2;
            PixelFont.Draw(canvas, name, left - 4 - PixelFont.Width(name), y, text);
        }
    }

    private static void DrawBarLines(SKCanvas canvas, PianoRollLayout layout, IReadOnlyList<int> barStarts)
    {
        using var line = Fill(PianoRollPalette.BarLine);
        int? last = null;
        foreach (var start in barStarts)
        {
            if (start > layout.Steps) break;
            var x = layout.X(start);
            // In a melody squeezed to the maximum width, bars only a few pixels apart would paint the plot grey.
            if (last is { } previous && x - previous < MinBarLineGap) continue;
            canvas.DrawRect(x, PianoRollLayout.Top, 1, layout.PlotBottom - PianoRollLayout.Top, line);
            last = x;
        }
    }

    private static void DrawSeed(SKCanvas canvas, PianoRollLayout layout, Melody seed)
    {
        using var fill = Fill(PianoRollPalette.SeedFill);
        using var outline = Fill(PianoRollPalette.SeedOutline);
        foreach (var (start, end, pitch) in seed.Notes())
        {
            var (x, width) = Span(layout, start, end);
            SeedBox(canvas, x, layout.RowTop(pitch), width, fill, outline);
        }
    }

    /// <summary>A seed note: a framed box one pixel short of its row, so notes on neighbouring pitches stay apart.</summary>
    private static void SeedBox(SKCanvas canvas, int x, int top, int width, SKPaint fill, SKPaint outline)
    {
        const int height = PianoRollLayout.RowHeight - 1;
        canvas.DrawRect(x, top, width, height, fill);
        if (width < 3) return; // too narrow for a frame; the fill alone shows it
        canvas.DrawRect(x, top, width, 1, outline);
        canvas.DrawRect(x, top + height - 1, width, 1, outline);
        canvas.DrawRect(x, top + 1, 1, height - 2, outline);
        canvas.DrawRect(x + width - 1, top + 1, 1, height - 2, outline);
    }

    /// <summary>A variation note: the middle of its row, leaving a seed note's frame visible above and below where both play it.</summary>
    private static void VariationBar(SKCanvas canvas, int x, int top, int width, SKPaint fill) =>
        canvas.DrawRect(x, top + 2, width, PianoRollLayout.RowHeight - 5, fill);

    private static void DrawVariation(SKCanvas canvas, PianoRollLayout layout, Melody variation)
    {
        using var fill = Fill(PianoRollPalette.Variation);
        foreach (var (start, end, pitch) in variation.Notes())
        {
            var (x, width) = Span(layout, start, end);
            VariationBar(canvas, x, layout.RowTop(pitch), width, fill);
        }
    }

    private static void DrawLegend(SKCanvas canvas, bool withSeed)
    {
        using var text = Fill(PianoRollPalette.Text);
        using var seedFill = Fill(PianoRollPalette.SeedFill);
        using var seedOutline = Fill(PianoRollPalette.SeedOutline);
        using var variation = Fill(PianoRollPalette.Variation);
        // Each swatch is a note as the plot draws it; the words sit beside it, centred on the row.
        const int swatch = 14, y = 6, textY = y + (PianoRollLayout.RowHeight - PixelFont.GlyphHeight) / 2;
        var x = PianoRollLayout.Left;
        if (withSeed)
        {
            SeedBox(canvas, x, y, swatch, seedFill, seedOutline);
            PixelFont.Draw(canvas, "seed", x + swatch + 4, textY, text);
            x += swatch + 4 + PixelFont.Width("seed") + 12;
        }
        VariationBar(canvas, x, y, swatch, variation);
        PixelFont.Draw(canvas, "variation", x + swatch + 4, textY, text);
    }

    /// <summary>The pixel column and width of a note from <paramref name="start"/> to <paramref name="end"/>, at least one pixel wide.</summary>
    private static (int X, int Width) Span(PianoRollLayout layout, int start, int end)
    {
        var x = layout.X(start);
        var width = layout.X(end) - x;
        // A pixel of air between a note and the next one when steps are wide enough to spare it.
        if (layout.X(1) - layout.X(0) >= 3) width--;
        return (x, Math.Max(1, width));
    }

    private static bool IsBlackKey(int pitch) => (pitch % 12) is 1 or 3 or 6 or 8 or 10;

    /// <summary>"C4" for middle C (60), "C-1" for 0.</summary>
    private static string NoteName(int pitch) => $"C{pitch / 12 - 1}";

    private static SKPaint Fill(SKColor color) => new() { Color = color, IsAntialias = false, Style = SKPaintStyle.Fill };
}
