using System.Globalization;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Rendering;
using VaeCreative.Core.Modalities;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Rendering;

/// <summary>
/// WAV previews through the real fluidsynth (scripts/setup.sh --preview installs it and a soundfont; test.sh runs
/// that), read back with python3's wave module, and the errors when a piece is missing.
/// </summary>
public class SoundfontSynthTests
{
    /// <summary>Two bars of quarter notes at 120 qpm: four seconds.</summary>
    private static readonly Melody TwoBars = new(Enumerable.Range(0, 32).Select(step => step % 4 == 0 ? MelodyEncoding.NoteOn(60 + step / 4) : MelodyEncoding.NoEvent).ToArray());

    [Fact]
    public void A_melody_track_renders_to_audible_stereo_audio_of_its_length()
    {
        var wav = Wav.Of(SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars)));

        Assert.Equal((2, 44_100, 2), (wav.Channels, wav.SampleRate, wav.SampleWidth));
        // The MIDI lasts 4 s; fluidsynth adds the last note's release and the reverb's tail.
        Assert.InRange(wav.Seconds, 4.0 - 0.05, 4.0 + 4.0);
        Assert.True(wav.PeakFirstSecond > 1_000, $"the first note is silent: peak {wav.PeakFirstSecond} of 32767");
        Assert.True(wav.Peak < 32_767, "the audio clips");
    }

    [Fact]
    public void The_sample_rate_is_an_option()
    {
        var wav = Wav.Of(SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars), new SoundfontSynthOptions { SampleRate = 22_050 }));
        Assert.Equal(22_050, wav.SampleRate);
        Assert.True(wav.PeakFirstSecond > 1_000);
    }

    [Fact]
    public void A_missing_soundfont_given_explicitly_is_named()
    {
        var options = new SoundfontSynthOptions { SoundfontPath = "/nonexistent/piano.sf2" };
        var e = Assert.Throws<PreviewUnavailableException>(() => SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars), options));
        Assert.IsAssignableFrom<MaterialException>(e);
        Assert.Contains("not found: the soundfont /nonexistent/piano.sf2", e.Message);
        Assert.Contains("scripts/setup.sh --preview", e.Message);
        Assert.Single(e.Missing); // fluidsynth itself is there
    }

    [Fact]
    public void A_missing_fluidsynth_is_named_with_how_to_install_it()
    {
        var bytes = MidiMelodyWriter.ToBytes(TwoBars);
        var atPath = Assert.Throws<PreviewUnavailableException>(() => SoundfontSynth.Render(bytes, new SoundfontSynthOptions { FluidSynthPath = "/nonexistent/fluidsynth" }));
        Assert.StartsWith("WAV previews need fluidsynth and a General MIDI soundfont; not found: fluidsynth at /nonexistent/fluidsynth.", atPath.Message);
        Assert.Contains("scripts/setup.sh --preview (Debian: fluidsynth, timgm6mb-soundfont)", atPath.Message);

        var onPath = Assert.Throws<PreviewUnavailableException>(() => SoundfontSynth.Render(bytes, new SoundfontSynthOptions { FluidSynthPath = "fluidsynth" }, Environment(path: "/nonexistent")));
        Assert.Contains("not found: fluidsynth (not on PATH)", onPath.Message);
    }

    [Fact]
    public void The_soundfont_comes_from_the_option_then_the_variable_then_the_usual_places()
    {
        using var dir = new TempDir();
        var given = dir.File("given.sf2");
        var named = dir.File("named.sf2");
        var usual = dir.File("usual.sf2");
        foreach (var file in new[] { given, named, usual }) File.WriteAllText(file, "");
        var fluidsynth = SynthTools.Locate(new SoundfontSynthOptions(), Environment()).FluidSynth;
        Assert.True(File.Exists(fluidsynth));

        Assert.Equal(given, SynthTools.Locate(new SoundfontSynthOptions { SoundfontPath = given }, Environment(soundfont: named), [usual]).Soundfont);
        Assert.Equal(named, SynthTools.Locate(new SoundfontSynthOptions(), Environment(soundfont: named), [usual]).Soundfont);
        Assert.Equal(usual, SynthTools.Locate(new SoundfontSynthOptions(), Environment(), [dir.File("absent.sf2"), usual]).Soundfont);

        var badVariable = Assert.Throws<PreviewUnavailableException>(() => SynthTools.Locate(new SoundfontSynthOptions(), Environment(soundfont: dir.File("absent.sf2")), [usual]));
        Assert.Contains($"the soundfont {dir.File("absent.sf2")} (named by VAECREATIVE_SOUNDFONT)", badVariable.Message);
        var none = Assert.Throws<PreviewUnavailableException>(() => SynthTools.Locate(new SoundfontSynthOptions(), Environment(path: "/nonexistent"), [dir.File("absent.sf2")]));
        Assert.Equal(["fluidsynth (not on PATH)", $"a General MIDI soundfont (looked for {dir.File("absent.sf2")})"], none.Missing);
    }

    [Fact]
    public void A_file_that_is_not_a_soundfont_fails_instead_of_rendering_silence()
    {
        using var dir = new TempDir();
        var fake = dir.File("fake.sf2");
        File.WriteAllText(fake, "not a soundfont");
        var e = Assert.Throws<PreviewRenderException>(() => SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars), new SoundfontSynthOptions { SoundfontPath = fake }));
        Assert.Contains($"could not read the soundfont {fake}", e.Message);
    }

    [Fact]
    public void Bytes_that_are_not_MIDI_and_MIDI_over_the_limit_are_refused()
    {
        var notMidi = Assert.Throws<MidiReadException>(() => SoundfontSynth.Render("RIFF...."u8.ToArray()));
        Assert.Contains("the MIDI to preview", notMidi.Message);

        var tooLong = Assert.Throws<MaterialException>(() => SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars), new SoundfontSynthOptions { MaxDuration = TimeSpan.FromSeconds(3) }));
        Assert.True(tooLong.OverLimit);
        Assert.Throws<ArgumentOutOfRangeException>(() => SoundfontSynth.Render(MidiMelodyWriter.ToBytes(TwoBars), new SoundfontSynthOptions { Gain = 0 }));
    }

    [Fact]
    public void The_duration_follows_the_tempo()
    {
        var melody = new Melody(TwoBars.Tokens, tempoQpm: 90, new TimeSignature(3, 4));
        // 32 sixteenths = 8 quarters at 90 a minute.
        Assert.Equal(8 * 60.0 / 90, MidiDuration.Of(MidiMelodyWriter.ToBytes(melody), "x").TotalSeconds, 3);
        // No tempo event: MIDI's 120 qpm; 960 ticks at 480 a quarter.
        var bare = MidiBytes.File(0, 480, MidiBytes.Track(MidiBytes.Notes(0, [(60, 960)])));
        Assert.Equal(1.0, MidiDuration.Of(bare, "x").TotalSeconds, 6);
    }

    /// <summary>The process's environment with PATH and VAECREATIVE_SOUNDFONT replaced where given (the variable is otherwise unset).</summary>
    private static Func<string, string?> Environment(string? path = null, string? soundfont = null) => name => name switch
    {
        "PATH" => path ?? System.Environment.GetEnvironmentVariable("PATH"),
        SoundfontSynthOptions.SoundfontVariable => soundfont,
        _ => System.Environment.GetEnvironmentVariable(name),
    };

    /// <summary>A WAV as python3's wave module reads it, with the loudest sample overall and in the first second.</summary>
    private sealed record Wav(int Channels, int SampleRate, int SampleWidth, double Seconds, int Peak, int PeakFirstSecond)
    {
        private const string Read =
            "import sys, wave, array\nw = wave.open(sys.argv[1], 'rb')\nassert w.getsampwidth() == 2\n" +
            "frames = w.getnframes(); data = array.array('h', w.readframes(frames))\n" +
            "if sys.byteorder != 'little': data.byteswap()\n" +
            "first = data[:w.getframerate() * w.getnchannels()]\n" +
            "print(w.getnchannels(), w.getframerate(), w.getsampwidth(), frames / w.getframerate(), max(map(abs, data), default=0), max(map(abs, first), default=0))\n";

        public static Wav Of(byte[] bytes)
        {
            using var dir = new TempDir();
            var path = dir.File("preview.wav");
            File.WriteAllBytes(path, bytes);
            var f = Python.Run(Read, path).Split(' ', StringSplitOptions.TrimEntries);
            int I(int i) => int.Parse(f[i], CultureInfo.InvariantCulture);
            return new Wav(I(0), I(1), I(2), double.Parse(f[3], CultureInfo.InvariantCulture), I(4), I(5));
        }
    }
}
