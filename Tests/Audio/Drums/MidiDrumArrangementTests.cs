using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Drums;

public class MidiDrumArrangementTests
{
    private static List<(long Tick, int Pitch)> DrumOnsets(TestSongs.MidoFile file) =>
        file.Tracks.SelectMany(t => t).Where(m => m.Text.Contains("\"note_on\"") && m.Text.Contains("\"channel\": 9,"))
            .Select(m => (m.Tick, int.Parse(m.Text.Split("\"note\": ")[1].Split(',')[0]))).OrderBy(x => x).ToList();

    [Theory]
    [InlineData(1, 97)]
    [InlineData(0, 210)]
    public void Only_the_kits_hits_change_the_rest_of_the_song_stays_note_for_note(int format, int tpq)
    {
        var song = TestSongs.Arrangement(format, tpq, bars: 6, 3, 4);
        var seed = MidiDrumReader.Read(song, "song.mid");
        // A new part: snare and closed hi-hat where the kicks were.
        var varied = seed.WithTokens(seed.Tokens.Select(t => t == 0 ? 0 : DrumEncoding.TokenOf([1, 2])).ToArray());
        var output = MidiDrumArrangement.Replace(song, varied, 0, seed.Steps);
        var before = TestSongs.Mido(song);
        var after = TestSongs.Mido(output);
        Assert.Equal(before.TicksPerBeat, after.TicksPerBeat);
        Assert.Equal(before.Tracks.Count, after.Tracks.Count);
        bool IsDrumNote(TestSongs.Message m) => (m.Text.Contains("\"note_on\"") || m.Text.Contains("\"note_off\"")) && m.Text.Contains("\"channel\": 9,");
        for (var t = 0; t < before.Tracks.Count; t++)
            Assert.Equal(before.Tracks[t].Where(m => !IsDrumNote(m)), after.Tracks[t].Where(m => !IsDrumNote(m)));
        var onsets = DrumOnsets(after);
        Assert.Equal(DrumOnsets(before).Count * 2, onsets.Count);
        Assert.All(onsets, o => Assert.Contains(o.Pitch, new[] { 38, 42 }));
        Assert.Equal(varied.Tokens, MidiDrumReader.Read(output, "out.mid").Tokens);
    }

    [Fact]
    public void A_range_keeps_the_hits_outside_it_and_percussion_outside_the_kit()
    {
        // A kick on every quarter for 4 bars of 4/4, and a cowbell (56 is snare's; 113 is not in the table) on every bar line.
        var events = new List<TestSongs.Event>();
        for (var q = 0; q < 16; q++) events.Add(new(q * 96, [0x99, 36, 100])); events.AddRange(Enumerable.Range(0, 16).Select(q => new TestSongs.Event(q * 96 + 20, [0x89, 36, 0])));
        for (var bar = 0; bar < 4; bar++) { events.Add(new(bar * 384, [0x99, 113, 90])); events.Add(new(bar * 384 + 30, [0x89, 113, 0])); }
        var song = TestSongs.File(1, 96, events);
        var seed = MidiDrumReader.Read(song, "song.mid");
        var varied = seed.WithTokens(seed.Tokens.Select(t => t == 0 ? 0 : DrumEncoding.TokenOf([8])).ToArray()); // ride instead of kick
        var output = MidiDrumArrangement.Replace(song, varied, 16, 32); // bar 2 only
        var onsets = DrumOnsets(TestSongs.Mido(output));
        Assert.Equal(4, onsets.Count(o => o.Pitch == 113));
        Assert.Equal(12, onsets.Count(o => o.Pitch == 36));
        Assert.Equal(4, onsets.Count(o => o.Pitch == 51));
        Assert.All(onsets.Where(o => o.Pitch == 51), o => Assert.InRange(o.Tick, 384, 767));
    }
}
