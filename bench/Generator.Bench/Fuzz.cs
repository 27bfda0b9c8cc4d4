using System.Diagnostics;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;

namespace VaeCreative.Bench;

/// <summary>
/// The <c>fuzz</c> phase: <c>--replay FILE…</c> reads each file once and reports its outcome, time and
/// allocation; <c>--corpus DIR</c> measures <see cref="MelodyCorpus.Load"/> on a folder.
/// </summary>
public static class Fuzz
{
    /// <summary>Runs the phase.</summary>
    public static object Run(string[] args, string repo)
    {
        if (Value(args, "--corpus") is { } dir) return Corpus(dir);
        var replay = Array.IndexOf(args, "--replay");
        if (replay >= 0) return args.Skip(replay + 1).TakeWhile(a => !a.StartsWith("--")).Select(Replay).ToList();
        throw new ArgumentException("fuzz: pass --replay FILE… or --corpus DIR");
    }

    private static object Replay(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var (outcome, ms, allocated) = Measure(() => Outcome(() => MidiMelodyReader.Read(bytes, Path.GetFileName(path))));
        return new { file = path, bytes = bytes.Length, outcome, ms, allocated_mb = allocated / 1e6, peak_rss_mb = PeakRssMb() };
    }

    private static object Corpus(string dir)
    {
        var (outcome, ms, allocated) = Measure(() =>
        {
            try
            {
                var corpus = MelodyCorpus.Load(dir);
                return $"ok: {corpus.Files.Count} files, {corpus.Failures.Count} failures";
            }
            catch (Exception e) { return $"{e.GetType().Name}: {e.Message}"; }
        });
        return new { corpus = dir, outcome, ms, allocated_mb = allocated / 1e6, peak_rss_mb = PeakRssMb() };
    }

    private static string Outcome(Func<Melody> read)
    {
        try
        {
            var melody = read();
            // FNV-1a over the tokens, tempo and metre: equal outcomes across reader versions mean equal melodies.
            var hash = 2166136261u;
            foreach (var v in melody.Tokens.Append((int)Math.Round(melody.TempoQpm * 1000)).Append(melody.TimeSignature.Numerator).Append(melody.TimeSignature.Denominator))
            {
                hash ^= (uint)v;
                hash *= 16777619u;
            }
            return $"ok: {melody.Steps} steps, {melody.NoteCount} notes, hash {hash:x8}";
        }
        catch (MidiReadException e) { return $"MidiReadException: {e.Reason}"; }
        catch (Exception e) { return $"BUG {e.GetType().Name}: {e.Message.Split('\n')[0]}"; }
    }

    private static (string Outcome, double Ms, long Allocated) Measure(Func<string> action)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        var outcome = action();
        clock.Stop();
        return (outcome, Math.Round(clock.Elapsed.TotalMilliseconds, 3), GC.GetTotalAllocatedBytes(true) - before);
    }

    private static double PeakRssMb()
    {
        using var self = Process.GetCurrentProcess();
        return Math.Round(self.PeakWorkingSet64 / 1e6, 1);
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
