using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// Renders MIDI to WAV with fluidsynth (a real synthesiser, run as a child process) and a General MIDI
/// soundfont, so a melody can be listened to in a browser or a player. Tracks without a program change play
/// on program 0, the acoustic grand piano, which suits a bare melody track such as <see cref="MidiMelodyWriter"/>'s.
/// </summary>
public static class SoundfontSynth
{
    /// <summary>
    /// The least time fluidsynth is given, whatever the MIDI's length: starting, and loading a large soundfont
    /// (FluidR3_GM is 148 MB) on a slow or busy machine. It renders far faster than real time, so on top of this it
    /// gets as long again as the music lasts.
    /// </summary>
    internal static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Throws <see cref="PreviewUnavailableException"/> (saying what is missing and how to install it) unless fluidsynth
    /// and a soundfont are found: callers check before long work, so nothing is generated for previews that cannot be made.
    /// </summary>
    public static void CheckAvailable(SoundfontSynthOptions? options = null)
    {
        var o = options ?? new SoundfontSynthOptions();
        o.Validate();
        SynthTools.Locate(o, Environment.GetEnvironmentVariable);
    }

    /// <summary>
    /// The WAV bytes (16-bit stereo PCM at <see cref="SoundfontSynthOptions.SampleRate"/>) of <paramref name="midi"/>
    /// played through fluidsynth. The audio runs as long as the MIDI plus the last notes' release and reverb (a
    /// few seconds). It blocks while fluidsynth works: well under a second for a 64-bar melody.
    /// </summary>
    /// <param name="midi">A Standard MIDI File, e.g. from <see cref="MidiMelodyWriter.ToBytes"/>.</param>
    /// <param name="options">Synthesiser, soundfont and audio format; default <see cref="SoundfontSynthOptions"/>'s defaults.</param>
    /// <exception cref="PreviewUnavailableException">fluidsynth or a soundfont is missing; the message names which.</exception>
    /// <exception cref="MidiReadException"><paramref name="midi"/> is not a usable MIDI file.</exception>
    /// <exception cref="MaterialException">The MIDI is longer than <see cref="SoundfontSynthOptions.MaxDuration"/> (<see cref="MaterialException.OverLimit"/> is set).</exception>
    /// <exception cref="PreviewRenderException">fluidsynth failed, could not read the soundfont, or ran out of time.</exception>
    public static byte[] Render(byte[] midi, SoundfontSynthOptions? options = null) =>
        Render(midi, options ?? new SoundfontSynthOptions(), Environment.GetEnvironmentVariable);

    /// <summary><see cref="Render(byte[], SoundfontSynthOptions?)"/> reading environment variables through <paramref name="environment"/>.</summary>
    internal static byte[] Render(byte[] midi, SoundfontSynthOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(midi);
        options.Validate();
        var tools = SynthTools.Locate(options, environment);
        var duration = MidiDuration.Of(midi, "the MIDI to preview");
        if (duration > options.MaxDuration)
            throw new MaterialException($"the MIDI to preview plays for {duration.TotalMinutes:0.#} minutes; WAV previews are limited to {options.MaxDuration.TotalMinutes:0.#}.", overLimit: true);

        // A private folder (mode 0700 on Unix) per render, so concurrent renders and other users cannot meet our files.
        var folder = Directory.CreateTempSubdirectory("vaecreative-preview-");
        try
        {
            var input = Path.Combine(folder.FullName, "in.mid");
            var output = Path.Combine(folder.FullName, "out.wav");
            File.WriteAllBytes(input, midi);
            var (exitCode, said) = Run(tools, options, input, output, MinTimeout + duration, folder.FullName);
            if (exitCode != 0)
                throw new PreviewRenderException($"fluidsynth failed (exit {exitCode}) rendering the preview: {said}");
            // fluidsynth skips an argument it cannot read and carries on, rendering silence with exit code 0.
            if (said.Contains("not a SoundFont or MIDI file", StringComparison.Ordinal))
                throw new PreviewRenderException($"fluidsynth could not read the soundfont {tools.Soundfont}: {said}");
            var wav = File.Exists(output) ? File.ReadAllBytes(output) : [];
            if (!IsWav(wav))
                throw new PreviewRenderException($"fluidsynth wrote no WAV ({wav.Length} bytes): {said}");
            return wav;
        }
        finally
        {
            try { folder.Delete(recursive: true); }
            catch (IOException) { } // a temp folder left behind is not worth failing a finished render for
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs fluidsynth's fast (file) rendering; returns its exit code and what it wrote to stderr, as one line.</summary>
    private static (int ExitCode, string Said) Run(SynthTools tools, SoundfontSynthOptions options, string input, string output, TimeSpan timeout, string folder)
    {
        var start = new ProcessStartInfo(tools.FluidSynth)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        // -n: no MIDI input driver; -i: no interactive shell; -q: no banner; -F: render to a file, not a sound card.
        string[] arguments =
        [
            "-n", "-i", "-q",
            "-F", output, "-T", "wav", "-O", "s16",
            "-r", options.SampleRate.ToString(CultureInfo.InvariantCulture),
            "-g", options.Gain.ToString(CultureInfo.InvariantCulture),
            tools.Soundfont, input,
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PreviewRenderException($"could not start fluidsynth ({tools.FluidSynth}).");
        }
        catch (Win32Exception e)
        {
            throw new PreviewRenderException($"could not start fluidsynth ({tools.FluidSynth}): {e.Message}", e);
        }
        using (process)
        {
            // Both pipes are drained while it runs, so a chatty fluidsynth cannot fill one and stall.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new PreviewRenderException($"fluidsynth did not finish the preview in {timeout.TotalSeconds:0} seconds; stopped it. It said: {OneLine(stderr.Result)}");
            }
            process.WaitForExit(); // lets the pipe readers reach the end of the output
            _ = stdout.Result;
            return (process.ExitCode, OneLine(stderr.Result));
        }
    }

    /// <summary>The last lines of fluidsynth's stderr joined into one line, short enough for an error message.</summary>
    private static string OneLine(string said)
    {
        var line = string.Join("; ", said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (line.Length == 0) return "(it said nothing)";
        return line.Length <= 1000 ? line : "…" + line[^1000..];
    }

    private static bool IsWav(byte[] bytes) =>
        bytes.Length > 44 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) && bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8);
}
