using System.Text.Json;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary>The CLI on songs as musicians have them: long, multi-track, in 3/4, varied in part, steered, previewed.</summary>
public class SongCliTests
{
    [Fact]
    public void A_long_arranged_song_varies_in_part_keeps_its_arrangement_and_gets_previews()
    {
        using var dir = new TempDir();
        var song = Path.Combine(dir.Path, "waltz.mid");
        File.WriteAllBytes(song, TestSongs.Arrangement(1, 192, bars: 120, 3, 4));
        var outDir = Path.Combine(dir.Path, "out");
        var result = Support.Cli.Run("vary", "--seed", song, "-n", "2", "--bars", "9-16", "--keep-arrangement", "--attribute", "density=1",
            "--preview", "--out", outDir, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToList();
        var previews = json.RootElement.GetProperty("previews").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetString()!).ToList()).ToList();
        Assert.Equal(2, outputs.Count);

        var before = TestSongs.Mido(File.ReadAllBytes(song));
        var (seed, _) = MidiMelodyReader.ReadWithSource(File.ReadAllBytes(song), "seed");
        var (from, to) = BarRange.Parse("9-16").Steps(seed);
        foreach (var output in outputs)
        {
            var after = TestSongs.Mido(File.ReadAllBytes(output));
            Assert.Equal(before.TicksPerBeat, after.TicksPerBeat);
            Assert.Equal(before.Tracks[0], after.Tracks[0]); // tempo and metre
            Assert.Equal(before.Tracks[2], after.Tracks[2]); // bass
            Assert.Equal(before.Tracks[3], after.Tracks[3]); // drums
            var melody = MidiMelodyReader.Read(output, track: TestSongs.MelodyTrack);
            Assert.Equal(new TimeSignature(3, 4), melody.TimeSignature);
            Assert.Equal(seed.Tokens.Take(from), melody.Tokens.Take(from));
            Assert.Equal(seed.Tokens.Skip(to + 1), melody.Tokens.Skip(to + 1));
            Assert.NotEqual(seed.Tokens.Skip(from).Take(to - from), melody.Tokens.Skip(from).Take(to - from));
        }

        // Previews: a WAV and a PNG beside each MIDI file, opened by independent readers.
        Assert.All(previews, p => Assert.Equal([".wav", ".png"], p.Select(Path.GetExtension)));
        var check = Python.Run("""
            import sys, wave
            from PIL import Image
            w = wave.open(sys.argv[1]); print(w.getnchannels(), w.getframerate(), round(w.getnframes() / w.getframerate()))
            im = Image.open(sys.argv[2]); print(im.format, im.size[0] > 1000)
            """, previews[0][0], previews[0][1]);
        var lines = check.Trim().Split('\n');
        var seconds = int.Parse(lines[0].Split(' ')[2]);
        Assert.StartsWith("2 44100 ", lines[0]);
        // 120 waltz bars at 100 then 140 qpm: 60 bars × 1.8 s + 60 bars × 1.29 s ≈ 185 s, plus the synthesiser's release tail.
        Assert.InRange(seconds, 180, 192);
        Assert.Equal("PNG True", lines[1]);
    }

    [Fact]
    public void The_drums_model_varies_a_songs_drum_part_and_puts_it_back()
    {
        using var dir = new TempDir();
        var song = Path.Combine(dir.Path, "song.mid");
        File.WriteAllBytes(song, TestSongs.Arrangement(1, 480, bars: 24));
        var outDir = Path.Combine(dir.Path, "out");
        var result = Support.Cli.Run("vary", "--model", "drums-2bar", "--seed", song, "-n", "2", "--keep-arrangement", "--out", outDir, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var before = TestSongs.Mido(File.ReadAllBytes(song));
        foreach (var output in json.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!))
        {
            var after = TestSongs.Mido(File.ReadAllBytes(output));
            Assert.Equal(before.Tracks[0], after.Tracks[0]); // tempo and metre
            Assert.Equal(before.Tracks[1], after.Tracks[1]); // melody
            Assert.Equal(before.Tracks[2], after.Tracks[2]); // bass
            Assert.NotEqual(before.Tracks[3], after.Tracks[3]); // the drums, varied
            Assert.Equal(24 * 16, VaeCreative.Audio.Midi.MidiDrumReader.Read(output).Steps);
        }
        var melodyOption = Support.Cli.Run("vary", "--model", "drums-2bar", "--seed", song, "--track", "1", "--out", outDir);
        Assert.Equal(2, melodyOption.ExitCode);
        Assert.Contains("--track applies to melody models", melodyOption.Stderr);
    }

    [Fact]
    public void Bad_song_options_are_one_clear_line_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var song = Path.Combine(dir.Path, "song.mid");
        File.WriteAllBytes(song, TestSongs.Arrangement(0, 96, bars: 4));
        var outDir = Path.Combine(dir.Path, "out");
        foreach (var (args, message, code) in new[]
        {
            (new[] { "--bars", "3-9" }, "song.mid: bars 3-9: the melody has 4 bars (4/4).", 1),
            (new[] { "--attribute", "loudness=1" }, "error: this model has no attribute 'loudness'; it has density, register, range, syncopation, stepwise, rests.", 2),
            (new[] { "--attribute", "density=12" }, "error: attribute 'density' strength must be between -8 and 8; got 12.", 2),
        })
        {
            var result = Support.Cli.Run(["vary", "--seed", song, "--out", outDir, .. args]);
            Assert.Equal(code, result.ExitCode);
            Assert.Contains(message, result.Stderr);
            Assert.Single(result.StderrLines);
            Assert.False(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir).Any());
        }
    }

    [Fact]
    public void A_missing_synthesiser_is_named_with_what_to_install()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run(new Dictionary<string, string> { ["VAECREATIVE_SOUNDFONT"] = Path.Combine(dir.Path, "none.sf2") },
            "vary", "--seed", RepoPaths.SeedMelody, "-n", "1", "--preview", "--out", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("WAV previews need fluidsynth and a General MIDI soundfont", result.Stderr);
        Assert.Contains("none.sf2", result.Stderr);
        Assert.Contains("scripts/setup.sh --preview", result.Stderr);
    }
}
