using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Midi;

public class MidiArrangementTests
{
    private static bool IsNote(TestSongs.Message m) => m.Text.Contains("\"note_on\"") || m.Text.Contains("\"note_off\"");

    private static bool OnChannel(TestSongs.Message m, int channel) => m.Text.Contains($"\"channel\": {channel - 1},");

    /// <summary>Note-ons of a track as (tick, pitch), read by mido.</summary>
    private static List<(long Tick, int Pitch)> Onsets(IEnumerable<TestSongs.Message> track, int channel) =>
        track.Where(m => m.Text.Contains("\"note_on\"") && OnChannel(m, channel))
            .Select(m => (m.Tick, int.Parse(m.Text.Split("\"note\": ")[1].Split(',')[0]))).ToList();

    /// <summary>A different melody of the same length: the seed's rhythm, every pitch a third higher.</summary>
    private static Melody Variation(Melody seed) =>
        seed.WithTokens(seed.Tokens.Select(t => MelodyEncoding.IsNoteOn(t) ? MelodyEncoding.NoteOn(MelodyEncoding.PitchOf(t) + 4) : t).ToArray());

    [Theory]
    [InlineData(1, 97, 4, 4)]   // an odd resolution, common time
    [InlineData(1, 120, 3, 4)]  // a waltz
    [InlineData(0, 210, 6, 8)]  // type 0: one track holds everything
    [InlineData(0, 1000, 5, 4)]
    public void Only_the_melody_notes_change_the_rest_of_the_file_stays_note_for_note(int format, int tpq, int numerator, int denominator)
    {
        var seedFile = TestSongs.Arrangement(format, tpq, bars: 12, numerator, denominator);
        var (melody, source) = MidiMelodyReader.ReadWithSource(seedFile, "song.mid");
        Assert.Equal(format == 0 ? 0 : TestSongs.MelodyTrack, source.Track);
        Assert.Equal(TestSongs.MelodyChannel, source.Channel);
        Assert.Equal(new TimeSignature(numerator, denominator), melody.TimeSignature);

        var varied = Variation(melody);
        var output = MidiArrangement.Replace(seedFile, source, varied, 0, melody.Steps);
        var before = TestSongs.Mido(seedFile);
        var after = TestSongs.Mido(output);

        Assert.Equal(before.Type, after.Type);
        Assert.Equal(before.TicksPerBeat, after.TicksPerBeat);
        Assert.Equal(before.Tracks.Count, after.Tracks.Count);
        for (var t = 0; t < before.Tracks.Count; t++)
        {
            if (t != source.Track)
            {
                Assert.Equal(before.Tracks[t], after.Tracks[t]);
                continue;
            }
            // The melody's track: every message but the melody channel's notes is where it was (programs, controllers,
            // bends, sysex, tempo, metre, the other channels' notes in a type-0 file).
            Assert.Equal(before.Tracks[t].Where(m => !(IsNote(m) && OnChannel(m, source.Channel))),
                after.Tracks[t].Where(m => !(IsNote(m) && OnChannel(m, source.Channel))));
            var onsets = Onsets(after.Tracks[t], source.Channel);
            // The chord note under the melody stays at every bar line.
            var barTicks = tpq * 4L * numerator / denominator;
            for (var bar = 0; bar < 12; bar++) Assert.Contains((bar * barTicks, 55), onsets);
            // The melody notes are the variation's, on the file's own grid.
            var expected = varied.Notes().Select(n => ((long)Math.Round(n.Start * tpq / 4.0, MidpointRounding.AwayFromZero), n.Pitch));
            Assert.Equal(expected.OrderBy(x => x), onsets.Where(o => o.Pitch != 55).OrderBy(x => x));
        }
        // Read back, the file's melody is the variation.
        Assert.Equal(varied.Tokens, MidiMelodyReader.Read(output, "out.mid").Tokens);
    }

    [Fact]
    public void A_range_of_bars_changes_only_the_notes_struck_in_it()
    {
        const int tpq = 96;
        var seedFile = TestSongs.Arrangement(1, tpq, bars: 8, 3, 4);
        var (melody, source) = MidiMelodyReader.ReadWithSource(seedFile, "waltz.mid");
        var (from, to) = BarRange.Parse("3-5").Steps(melody);
        Assert.Equal((24, 60), (from, to)); // 3/4: 12 steps a bar
        var spliced = melody.WithTokens(MelodyWindows.Splice(melody.Tokens, from, to, Variation(melody).Tokens.Skip(from).Take(to - from).ToArray()));
        var output = MidiArrangement.Replace(seedFile, source, spliced, from, to);

        var before = Onsets(TestSongs.Mido(seedFile).Tracks[source.Track], source.Channel);
        var after = Onsets(TestSongs.Mido(output).Tracks[source.Track], source.Channel);
        long Tick(int step) => step * tpq / 4;
        Assert.Equal(before.Where(o => o.Tick < Tick(from) || o.Tick >= Tick(to)), after.Where(o => o.Tick < Tick(from) || o.Tick >= Tick(to)));
        var inside = after.Where(o => o.Tick >= Tick(from) && o.Tick < Tick(to) && o.Pitch != 55).ToList();
        Assert.NotEmpty(inside);
        Assert.All(inside, o => Assert.Contains((o.Tick, o.Pitch - 4), before));
    }

    [Fact]
    public void New_notes_take_the_velocity_of_the_seed_note_they_replace()
    {
        var seedFile = TestSongs.Arrangement(1, 480, bars: 2);
        var (melody, source) = MidiMelodyReader.ReadWithSource(seedFile, "song.mid");
        var output = MidiArrangement.Replace(seedFile, source, Variation(melody), 0, melody.Steps);
        var seedVelocities = source.Notes.OrderBy(n => n.Start).Select(n => n.Velocity).ToList();
        var (newMelody, newSource) = MidiMelodyReader.ReadWithSource(output, "out.mid");
        Assert.Equal(seedVelocities, newSource.Notes.OrderBy(n => n.Start).Select(n => n.Velocity).ToList());
        Assert.Equal(melody.NoteCount, newMelody.NoteCount);
    }
}
