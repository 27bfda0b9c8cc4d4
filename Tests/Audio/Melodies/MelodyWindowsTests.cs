using VaeCreative.Audio.Melodies;

namespace VaeCreative.Tests.Audio.Melodies;

public class MelodyWindowsTests
{
    private static int On(int pitch) => MelodyEncoding.NoteOn(pitch);

    [Fact]
    public void Training_windows_are_two_bars_with_a_one_bar_hop_and_skip_silence()
    {
        var tokens = new int[64];
        tokens[0] = On(60);
        tokens[40] = On(62);
        var windows = MelodyWindows.Training(new VaeCreative.Audio.Melodies.Melody(tokens)).ToList();
        // Starts 0, 16, 32 fit in 64 steps; all three hold a note-on.
        Assert.Equal(3, windows.Count);
        Assert.All(windows, w => Assert.Equal(32, w.Length));
        Assert.Equal(On(62), windows[1][24]);
    }

    [Fact]
    public void Chunks_cover_the_melody_and_restrike_notes_held_across_a_boundary()
    {
        var tokens = new int[40];
        tokens[30] = On(65); // held into the second chunk
        var chunks = MelodyWindows.Chunks(new VaeCreative.Audio.Melodies.Melody(tokens));
        Assert.Equal(2, chunks.Length);
        Assert.Equal(On(65), chunks[1][0]);
        Assert.Equal(MelodyEncoding.NoteOff, chunks[1][8]); // the melody ends at step 40
    }

    [Fact]
    public void Stitch_cuts_to_the_requested_length()
    {
        var stitched = MelodyWindows.Stitch([Enumerable.Repeat(2, 32).ToArray(), Enumerable.Repeat(3, 32).ToArray()], [new WindowSpan(0, 32), new WindowSpan(32, 8)]);
        Assert.Equal(40, stitched.Length);
        Assert.Equal(3, stitched[39]);
    }
}

public class MelodyWindowsMetreTests
{
    private static int On(int pitch) => MelodyEncoding.NoteOn(pitch);

    private static Melody InMetre(int steps, params MetreChange[] changes)
    {
        var tokens = new int[steps];
        for (var t = 0; t < steps; t += 4) tokens[t] = On(60 + t % 12);
        return new Melody(tokens, TempoMap.Constant(120), new MetreMap(changes));
    }

    [Theory]
    [InlineData(4, 4, 32)]  // two bars
    [InlineData(3, 4, 24)]  // two bars of a waltz, padded
    [InlineData(6, 8, 24)]
    [InlineData(5, 4, 20)]  // one bar
    [InlineData(2, 4, 32)]  // four bars
    [InlineData(7, 8, 28)]
    [InlineData(12, 8, 24)]
    public void Windows_hold_whole_bars_of_the_metre(int numerator, int denominator, int windowSteps)
    {
        var melody = InMetre(windowSteps * 5, new MetreChange(0, new TimeSignature(numerator, denominator)));
        var spans = MelodyWindows.Spans(melody);
        Assert.Equal(5, spans.Count);
        Assert.All(spans, s => Assert.Equal(windowSteps, s.Length));
        Assert.All(spans, s => Assert.Contains(s.Start, melody.BarStarts()));
        var chunks = MelodyWindows.Chunks(melody, spans);
        // A short window reads on into what follows as context; the last one is padded with silence after a
        // note-off; without look-ahead every short window is padded. Stitching keeps exactly the melody.
        if (windowSteps < 32)
        {
            Assert.Equal(melody.Tokens.Skip(windowSteps).Take(32 - windowSteps), chunks[0].Skip(windowSteps));
            Assert.All(chunks[^1].Skip(windowSteps + 1), t => Assert.Equal(MelodyEncoding.NoEvent, t));
            Assert.All(MelodyWindows.Chunks(melody, spans, lookAhead: false), c => Assert.All(c.Skip(windowSteps + 1), t => Assert.Equal(MelodyEncoding.NoEvent, t)));
        }
        Assert.Equal(melody.Tokens, MelodyWindows.Stitch(chunks, spans));
    }

    [Fact]
    public void A_bar_longer_than_a_window_is_cut_into_equal_pieces()
    {
        var melody = InMetre(72, new MetreChange(0, new TimeSignature(9, 4))); // 36-step bars
        Assert.Equal([new WindowSpan(0, 18), new WindowSpan(18, 18), new WindowSpan(36, 18), new WindowSpan(54, 18)], MelodyWindows.Spans(melody));
    }

    [Fact]
    public void Windows_follow_a_change_of_metre()
    {
        // Four bars of 4/4, then 3/4.
        var melody = InMetre(64 + 48, new MetreChange(0, TimeSignature.Common), new MetreChange(64, new TimeSignature(3, 4)));
        Assert.Equal([new WindowSpan(0, 32), new WindowSpan(32, 32), new WindowSpan(64, 24), new WindowSpan(88, 24)], MelodyWindows.Spans(melody));
    }

    [Fact]
    public void Spans_of_a_range_cover_only_it()
    {
        var melody = InMetre(12 * 10, new MetreChange(0, new TimeSignature(3, 4)));
        var spans = MelodyWindows.Spans(melody, 36, 84); // bars 4-7
        Assert.Equal([new WindowSpan(36, 24), new WindowSpan(60, 24)], spans);
    }

    [Fact]
    public void Splice_keeps_each_side_sounding_as_it_did()
    {
        var seed = new int[48];
        seed[8] = On(60);   // held over the start of the range (16)
        seed[28] = On(64);  // held over its end (32)
        var replacement = new int[16]; // the range becomes silence
        var result = MelodyWindows.Splice(seed, 16, 32, replacement);
        Assert.Equal(MelodyEncoding.NoteOff, result[16]); // the note from before stops where the range starts
        Assert.Equal(On(64), result[32]);                 // the note held out of the range is struck again
        Assert.Equal(seed.Take(16), result.Take(16));
        Assert.Equal(seed.Skip(33), result.Skip(33));
    }
}
