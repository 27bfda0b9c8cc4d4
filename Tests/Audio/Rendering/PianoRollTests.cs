using System.Globalization;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Rendering;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Rendering;

/// <summary>
/// Piano rolls, read back by an independent PNG decoder (python3's PIL): size, where the seed's blue and the
/// variation's orange are, and where the bar lines fall.
/// </summary>
public class PianoRollTests
{
    // Seed only at C4, variation only at G4, both at E4.
    private static readonly Melody Seed = Notes(32, (0, 4, 60), (16, 20, 64));
    private static readonly Melody Variation = Notes(32, (8, 12, 67), (16, 20, 64));

    [Fact]
    public void Seed_and_variation_notes_are_drawn_in_their_own_colours_where_they_play()
    {
        var layout = PianoRollLayout.For(Seed, Variation);
        var picture = Picture.Of(PianoRoll.Render(Seed, Variation, [0, 16]));

        Assert.Equal((layout.Width, layout.Height), (picture.Width, picture.Height));
        Assert.Equal(2 * PianoRoll.PixelsPerStep * 16 + PianoRollLayout.Left + PianoRollLayout.Right, picture.Width);
        Assert.Equal((58, 69), (layout.LowPitch, layout.HighPitch)); // the notes' range, two semitones of room each side

        // Inside the box, below its frame: the seed's translucent blue.
        Assert.True(picture.IsSeed(layout.X(1), layout.RowTop(60) + 1), picture.Describe(layout.X(1), layout.RowTop(60) + 1));
        Assert.True(picture.IsVariation(layout.X(9), Middle(layout, 67)), picture.Describe(layout.X(9), Middle(layout, 67)));
        // Where both play E4, the orange bar sits inside the blue box and both show.
        Assert.True(picture.IsVariation(layout.X(17), Middle(layout, 64)), picture.Describe(layout.X(17), Middle(layout, 64)));
        Assert.True(picture.IsSeed(layout.X(17), layout.RowTop(64) + 1), picture.Describe(layout.X(17), layout.RowTop(64) + 1));
        // Neither colour where nothing plays.
        Assert.False(picture.IsSeed(layout.X(9), Middle(layout, 60)) || picture.IsVariation(layout.X(1), Middle(layout, 67)));
    }

    [Fact]
    public void Without_a_seed_there_is_no_seed_colour_at_all()
    {
        var picture = Picture.Of(PianoRoll.Render(null, Variation, [0, 16]));
        var layout = PianoRollLayout.For(null, Variation);
        Assert.Equal((layout.Width, layout.Height), (picture.Width, picture.Height));
        Assert.Equal(0, picture.Count(picture.IsSeed));
        Assert.True(picture.IsVariation(layout.X(9), Middle(layout, 67)));
    }

    [Fact]
    public void Empty_melodies_give_one_bar_of_C4_to_C5()
    {
        var empty = new Melody([]);
        var silent = new Melody(new int[24]);
        var picture = Picture.Of(PianoRoll.Render(empty, silent, [0, 16]));
        var layout = PianoRollLayout.For(empty, silent);
        Assert.Equal((PianoRollLayout.EmptyLowPitch, PianoRollLayout.EmptyHighPitch), (layout.LowPitch, layout.HighPitch));
        Assert.Equal(PianoRollLayout.Left + 24 * PianoRoll.PixelsPerStep + PianoRollLayout.Right, picture.Width);
        // No notes: the only colours are the legend's swatches, above the plot.
        Assert.Equal(0, picture.Count((x, y) => y >= PianoRollLayout.Top && (picture.IsSeed(x, y) || picture.IsVariation(x, y))));
        Assert.True(picture.Count((x, y) => y < PianoRollLayout.Top && picture.IsVariation(x, y)) > 0, "the legend shows the variation's colour");

        var none = Picture.Of(PianoRoll.Render(null, empty, []));
        Assert.Equal(PianoRollLayout.Left + PianoRollLayout.MinSteps * PianoRoll.PixelsPerStep + PianoRollLayout.Right, none.Width);
    }

    [Fact]
    public void Longer_melodies_give_wider_pictures_up_to_the_maximum_width()
    {
        var widths = new[] { 32, 64, 5_000 }.Select(steps => Picture.Of(PianoRoll.Render(null, Notes(steps, (0, 4, 60)), [0]), pixels: false).Width).ToList();
        Assert.Equal(32 * PianoRoll.PixelsPerStep, widths[1] - widths[0]);
        Assert.Equal(PianoRoll.MaxWidth, widths[2]);
    }

    [Fact]
    public void Bar_lines_fall_on_the_given_bar_starts_in_three_four()
    {
        var seed = Notes(48, (0, 12, 62));
        var variation = Notes(48, (12, 24, 64));
        int[] bars = [0, 12, 24, 36];
        var layout = PianoRollLayout.For(seed, variation);
        var picture = Picture.Of(PianoRoll.Render(seed, variation, bars));
        var y = Middle(layout, 65); // F4: a white key without notes, away from the octave line under each C
        foreach (var bar in bars) Assert.True(picture.IsBarLine(layout.X(bar), y), $"bar line at step {bar}: {picture.Describe(layout.X(bar), y)}");
        foreach (var step in new[] { 16, 32, 6, 18 }) Assert.False(picture.IsBarLine(layout.X(step), y), $"no bar line at step {step}");
        // A line runs from the top row to the bottom row.
        Assert.True(picture.IsBarLine(layout.X(36), PianoRollLayout.Top) && picture.IsBarLine(layout.X(36), layout.PlotBottom - 1));
    }

    [Fact]
    public void Bar_lines_squeezed_closer_than_a_few_pixels_are_thinned()
    {
        const int steps = 20_000; // 2.4 steps a pixel at the maximum width, so a 4/4 bar is under 7 pixels
        var melody = Notes(steps, (0, 4, 60));
        var bars = Enumerable.Range(0, steps / 16).Select(b => b * 16).ToArray();
        var everyStep = Enumerable.Range(0, steps).ToArray();
        var layout = PianoRollLayout.For(null, melody);
        var y = Middle(layout, 62);
        var picture = Picture.Of(PianoRoll.Render(null, melody, bars));
        var barColumns = Enumerable.Range(0, picture.Width).Count(x => picture.IsBarLine(x, y));
        Assert.Equal(bars.Length, barColumns); // 6.5 pixels apart: every bar keeps its line
        var dense = Picture.Of(PianoRoll.Render(null, melody, everyStep));
        var denseColumns = Enumerable.Range(0, dense.Width).Where(x => dense.IsBarLine(x, y)).ToList();
        Assert.InRange(denseColumns.Count, layout.PlotWidth / 5, layout.PlotWidth / 4 + 1);
        Assert.All(denseColumns.Zip(denseColumns.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 4));
    }

    [Fact]
    public void The_same_melodies_give_the_same_bytes() =>
        Assert.Equal(PianoRoll.Render(Seed, Variation, [0, 16]), PianoRoll.Render(Seed, Variation, [0, 16]));

    [Fact]
    public void Bar_starts_must_increase_from_zero()
    {
        var decreasing = Assert.Throws<ArgumentException>(() => PianoRoll.Render(Seed, Variation, [0, 16, 12]));
        Assert.Contains("must increase", decreasing.Message);
        Assert.Throws<ArgumentException>(() => PianoRoll.Render(Seed, Variation, [-1]));
    }

    /// <summary>A melody of <paramref name="steps"/> steps with the given notes (start, end exclusive, pitch).</summary>
    private static Melody Notes(int steps, params (int Start, int End, int Pitch)[] notes)
    {
        var tokens = new int[steps];
        foreach (var (start, end, _) in notes)
            if (end < steps) tokens[end] = MelodyEncoding.NoteOff;
        foreach (var (start, _, pitch) in notes) tokens[start] = MelodyEncoding.NoteOn(pitch);
        return new Melody(tokens);
    }

    private static int Middle(PianoRollLayout layout, int pitch) => layout.RowTop(pitch) + PianoRollLayout.RowHeight / 2;

    /// <summary>A PNG as python3's PIL decodes it: size and RGB pixels.</summary>
    private sealed record Picture(int Width, int Height, byte[] Rgb)
    {
        private const string Decode =
            "import sys, binascii\nfrom PIL import Image\nim = Image.open(sys.argv[1])\nassert im.format == 'PNG', im.format\n" +
            "print(im.width, im.height)\nif sys.argv[2] == '1': print(binascii.hexlify(im.convert('RGB').tobytes()).decode())\n";

        public static Picture Of(byte[] png, bool pixels = true)
        {
            using var dir = new TempDir();
            var path = dir.File("roll.png");
            File.WriteAllBytes(path, png);
            var lines = Python.Run(Decode, path, pixels ? "1" : "0").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var size = lines[0].Split(' ').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            return new Picture(size[0], size[1], pixels ? Convert.FromHexString(lines[1]) : []);
        }

        public (int R, int G, int B) At(int x, int y)
        {
            var i = 3 * (y * Width + x);
            return (Rgb[i], Rgb[i + 1], Rgb[i + 2]);
        }

        /// <summary>The seed's blue: clearly more blue than red, over any of the background's greys.</summary>
        public bool IsSeed(int x, int y) => At(x, y) is var (r, g, b) && b > r + 40 && b > g + 20;

        /// <summary>The variation's saturated orange.</summary>
        public bool IsVariation(int x, int y) => At(x, y) is var (r, g, b) && r > 220 && g is > 90 and < 160 && b < 40;

        /// <summary>The bar line's mid grey (rows and octave lines are much lighter).</summary>
        public bool IsBarLine(int x, int y) => At(x, y) is var (r, g, b) && Math.Abs(r - g) < 20 && Math.Abs(g - b) < 20 && r is > 90 and < 170;

        public int Count(Func<int, int, bool> test)
        {
            var n = 0;
            for (var y = 0; y < Height; y++)
                for (var x = 0; x < Width; x++)
                    if (test(x, y)) n++;
            return n;
        }

        public string Describe(int x, int y) => $"pixel ({x}, {y}) is {At(x, y)}";
    }
}
