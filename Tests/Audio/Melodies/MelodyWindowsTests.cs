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
        var stitched = MelodyWindows.Stitch([Enumerable.Repeat(2, 32).ToArray(), Enumerable.Repeat(3, 32).ToArray()], 40);
        Assert.Equal(40, stitched.Length);
        Assert.Equal(3, stitched[39]);
    }
}
