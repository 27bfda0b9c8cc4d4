using System.Diagnostics;
using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Drums;

public class MidiDrumReaderTests
{
    [Theory]
    [InlineData(0, 97)]
    [InlineData(1, 120)]
    [InlineData(1, 1000)]
    public void Reads_channel_10_only_from_any_track_layout_and_resolution(int format, int tpq)
    {
        var song = TestSongs.Arrangement(format, tpq, bars: 4, 3, 4);
        var pattern = MidiDrumReader.Read(song, "song.mid");
        // The test song's drums: a kick (36) on every beat of a 3/4 bar; the melody and bass (channels 1, 2) are not drums.
        Assert.Equal(4 * 12, pattern.Steps);
        Assert.Equal(12, pattern.HitCount);
        for (var t = 0; t < pattern.Steps; t++)
            Assert.Equal(t % 4 == 0 ? 1 : 0, pattern.Tokens[t]);
        Assert.All(Enumerable.Range(0, 12), beat => Assert.Equal(100, pattern.Velocities[beat * 4][0]));
        Assert.Equal(new TimeSignature(3, 4), pattern.Metre.Initial);
    }

    [Fact]
    public void A_file_without_drums_says_so_and_unknown_percussion_is_ignored()
    {
        var melodyOnly = MidiBytes.File(1, 96, MidiBytes.Track(MidiBytes.Notes(0, [(60, 96), (62, 96)])));
        var e = Assert.Throws<MidiReadException>(() => MidiDrumReader.Read(melodyOnly, "tune.mid"));
        Assert.Equal(MidiReadFailure.NoDrums, e.Failure);
        Assert.Equal("tune.mid: has no drums (no notes on channel 10)", e.Message);
        var odd = MidiBytes.File(1, 96, MidiBytes.Track(MidiBytes.Notes(9, [(25, 96), (90, 96)])));
        Assert.Contains("outside the kit's table", Assert.Throws<MidiReadException>(() => MidiDrumReader.Read(odd, "odd.mid")).Message);
    }

    [Fact]
    public void Written_drums_read_back_with_their_hits_and_velocities_and_mido_agrees()
    {
        var random = new Random(4);
        var tokens = Enumerable.Range(0, 64).Select(_ => random.Next(4) == 0 ? random.Next(DrumEncoding.Classes) : 0).ToArray();
        var velocities = tokens.Select(t => Enumerable.Range(0, 9).Select(c => (byte)(DrumEncoding.Strikes(t, c) ? random.Next(20, 128) : 0)).ToArray()).ToList();
        var pattern = new DrumPattern(tokens, TempoMap.Constant(100), MetreMap.Constant(new TimeSignature(6, 8)), velocities);
        var bytes = MidiDrumWriter.ToBytes(pattern);
        var back = MidiDrumReader.Read(bytes, "drums.mid");
        Assert.Equal(pattern.Tokens, back.Tokens.Take(64));
        Assert.Equal(pattern.Velocities.SelectMany(v => v), back.Velocities.Take(64).SelectMany(v => v));
        Assert.Equal(new TimeSignature(6, 8), back.Metre.Initial);
        var mido = TestSongs.Mido(bytes);
        var hits = mido.Tracks.SelectMany(t => t).Count(m => m.Text.Contains("\"note_on\"") && m.Text.Contains("\"channel\": 9,"));
        Assert.Equal(pattern.HitCount, hits);
        Assert.DoesNotContain(mido.Tracks.SelectMany(t => t), m => m.Text.Contains("\"note_on\"") && !m.Text.Contains("\"channel\": 9,"));
    }

    [Fact]
    public void Generated_hits_keep_the_seeds_velocity_where_it_struck_the_same_drum()
    {
        var seed = new DrumPattern([1, 0, 2, 0], TempoMap.Constant(120), MetreMap.Common, [[110, 0, 0, 0, 0, 0, 0, 0, 0], new byte[9], [0, 40, 0, 0, 0, 0, 0, 0, 0], new byte[9]]);
        var varied = seed.WithTokens([1, 1, 3, 0]);
        Assert.Equal(110, varied.Velocities[0][0]); // the seed's kick
        Assert.Equal(110, varied.Velocities[1][0]); // a new kick: the seed's mean kick velocity
        Assert.Equal(40, varied.Velocities[2][1]);  // the seed's ghost snare
        Assert.Equal(110, varied.Velocities[2][0]);
    }

    [Fact]
    public void The_groove_script_renders_an_mma_groove_to_midi_drums()
    {
        using var dir = new TempDir();
        var lib = Path.Combine(dir.Path, "lib", "test");
        Directory.CreateDirectory(lib);
        File.WriteAllText(Path.Combine(lib, "tiny.mma"), """
            SeqClear
            SeqSize 1
            Begin Drum-Kick
              Tone KickDrum1
              Sequence { 1 0 100; 3 0 90 }
            End
            Begin Drum-Snare
              Tone SnareDrum1
              Sequence { 2 0 100; 4 0 100 }
            End
            DefGroove TinyBeat   Kick on 1 and 3, snare on 2 and 4.
            """);
        var out_ = Path.Combine(dir.Path, "out");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(RepoPaths.Root, "scripts", "mma-grooves.sh"), out_, Path.Combine(dir.Path, "lib") }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains("1 grooves rendered", stdout);
        var pattern = MidiDrumReader.Read(Path.Combine(out_, "test", "tiny", "TinyBeat.mid"));
        // 8 bars of kick, snare, kick, snare on the beats (the file ends just after its last hit, in bar 8).
        Assert.InRange(pattern.Steps, 7 * 16 + 13, 8 * 16);
        Assert.Equal(32, pattern.HitCount);
        for (var t = 0; t < pattern.Steps; t++)
            Assert.Equal(t % 4 != 0 ? 0 : (t / 4) % 2 == 0 ? 1 : 2, pattern.Tokens[t]);
    }
}
