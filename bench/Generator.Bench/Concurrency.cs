using System.Diagnostics;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Bench;

/// <summary>
/// Host throughput and latency at 1, 8 and 64 concurrent clients, batching on and off: starts the real
/// <c>vaecreative serve</c> process on a free loopback port and drives it with the client library
/// (8 variations of a 2-bar seed per request; 24 distinct seeds, client c re-sending seed c mod 24). Client and
/// host share this machine's cores, as they would in use. The host runs with its default settings (precision and
/// libtorch threads: the bench's --threads is not passed on).
/// </summary>
public static class Concurrency
{
    public static object Run(string repo, string hostDll, bool quick, string[] hostArgs)
    {
        var melody = MidiMelodyReader.Read(Path.Combine(repo, "samples", "seed-melody.mid"));
        // 24 distinct 2-bar seeds: both halves of the demo seed in 12 transpositions (−6…+5 semitones).
        var seeds = (from half in new[] { 0, 32 }
                     from shift in Enumerable.Range(-6, 12)
                     select Material.FromMidi(MidiMelodyWriter.ToBytes(melody.WithTokens(
                         melody.Tokens.Skip(half).Take(32).Select(t => MelodyEncoding.IsNoteOn(t) ? MelodyEncoding.NoteOn(MelodyEncoding.PitchOf(t) + shift) : t).ToArray())))).ToArray();
        var results = new List<object>();
        var precision = "";
        var hostThreads = 0;
        foreach (var batching in new[] { true, false })
        {
            using var host = HostProcess.Start(hostDll, 0, batching ? hostArgs : ["--no-batching", .. hostArgs]);
            using var client = new VaeCreativeClient(host.Url, host.Token, options: new VaeCreativeClientOptions { MaxRetries = 0 });
            Drive(client, seeds, clients: 8, perClient: quick ? 4 : 10); // warm-up: model load, first passes
            var device = client.InfoAsync().GetAwaiter().GetResult().Devices[0];
            (precision, hostThreads) = (device.Precision, device.Threads);
            foreach (var clients in new[] { 1, 8, 64 })
            {
                var total = quick
                    ? clients switch { 1 => 12, 8 => 24, _ => batching ? 128 : 64 }
                    : clients switch { 1 => 120, 8 => 240, _ => batching ? 960 : 384 };
                var r = Drive(client, seeds, clients, Math.Max(1, total / clients));
                results.Add(new { batching, clients, r.Requests, r.Errors, requests_per_s = r.RequestsPerSecond, variations_per_s = r.RequestsPerSecond * 8, p50_ms = r.P50, p99_ms = r.P99 });
            }
        }
        return new { precision, host_threads = hostThreads, host_args = hostArgs, results };
    }

    private sealed record Load(int Requests, int Errors, double RequestsPerSecond, double P50, double P99);

    /// <summary>Client c sends seed c mod 24 again and again (as a user asking for more variations of a phrase).</summary>
    private static Load Drive(VaeCreativeClient client, Material[] seeds, int clients, int perClient)
    {
        var latencies = new List<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < perClient; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await client.VaryAsync("melody-2bar", new VariationsRequest { Seed = seeds[c % seeds.Length], Count = 8, Rng = c * 1000 + i });
                    var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    lock (latencies) latencies.Add(ms);
                }
                catch (VaeCreativeException) { Interlocked.Increment(ref errors); }
            }
        })).ToArray();
        Task.WaitAll(tasks);
        clock.Stop();
        latencies.Sort();
        double Pct(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        return new Load(latencies.Count, errors, latencies.Count / clock.Elapsed.TotalSeconds, Pct(0.5), Pct(0.99));
    }
}
