using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Bench;

/// <summary>
/// Soak test (bench/soak.sh): the real <c>vaecreative serve</c> on a free loopback port, driven by N clients for M
/// minutes with a seeded mix of variations, interpolations and samples (24 distinct seed phrases, a distinct rng per
/// request) and a share of bad requests (damaged MIDI, malformed JSON, wrong field kinds, no Content-Type, unknown
/// model). A bad request answered with its documented problem type counts as a success; any other answer, a
/// transport failure or a timeout is an error, by kind. Reports p50/p99 per request kind, and the host's RSS
/// (/proc/PID/status) and live tensor count (GET /v1/info) sampled through the run.
/// </summary>
public static class Soak
{
    private const string Model = "melody-2bar";
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(15);

    private sealed record Expected(string Kind, HttpStatusCode Status, string ProblemType);

    private static readonly Expected[] BadKinds =
    [
        new("bad-midi", HttpStatusCode.BadRequest, ProblemTypes.BadSeed),
        new("bad-json", HttpStatusCode.BadRequest, ProblemTypes.BadRequest),
        new("wrong-kind", HttpStatusCode.BadRequest, ProblemTypes.BadRequest),
        new("no-content-type", HttpStatusCode.UnsupportedMediaType, ProblemTypes.BadRequest),
        new("unknown-model", HttpStatusCode.NotFound, ProblemTypes.UnknownModel),
    ];

    public static object Run(string repo, string hostDll, int clients, double minutes, int threads)
    {
        var seeds = Seeds(repo);
        using var host = HostProcess.Start(hostDll, threads, []);
        using var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10), MaxConnectionsPerServer = clients + 8 };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(120) };
        using var client = new VaeCreativeClient(host.Url, host.Token, http, new VaeCreativeClientOptions { MaxRetries = 0 });
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = host.Url, Timeout = TimeSpan.FromSeconds(120) };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token);

        // Warm-up (model load, first passes) before the start figures.
        for (var i = 0; i < 8; i++) client.VaryAsync(Model, new VariationsRequest { Seed = seeds[i], Count = 8, Rng = -1 - i }).GetAwaiter().GetResult();
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        var start = Probe(host, client, clock, samples);

        var latencies = new Dictionary<string, List<double>>();
        var outcomes = new Dictionary<string, int>();
        var errors = new Dictionary<string, int>();
        var errorExamples = new Dictionary<string, string>();
        var end = TimeSpan.FromMinutes(minutes);
        void Record(string kind, double ms, string? error, string? example = null)
        {
            lock (latencies)
            {
                if (!latencies.TryGetValue(kind, out var list)) latencies[kind] = list = [];
                list.Add(ms);
                outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                if (error is null) return;
                errors[error] = errors.GetValueOrDefault(error) + 1;
                if (example is not null) errorExamples.TryAdd(error, example);
            }
        }

        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(SampleEvery, stop.Token); } catch (OperationCanceledException) { break; }
                Probe(host, client, clock, samples);
            }
        });
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(7919 * (c + 1));
            for (var i = 0; clock.Elapsed < end; i++)
            {
                var rng = (long)c * 1_000_000 + i;
                var roll = random.NextDouble();
                var t0 = Stopwatch.GetTimestamp();
                string kind;
                string? error = null, example = null;
                try
                {
                    if (roll < 0.35)
                    {
                        kind = "variations";
                        var count = random.Next(1, 9);
                        var r = await client.VaryAsync(Model, new VariationsRequest { Seed = seeds[random.Next(seeds.Length)], Count = count, Rng = rng });
                        if (r.Outputs.Count != count) error = $"{kind}: {r.Outputs.Count} outputs for {count}";
                    }
                    else if (roll < 0.55)
                    {
                        kind = "interpolations";
                        var steps = random.Next(2, 7);
                        var r = await client.InterpolateAsync(Model, new InterpolationsRequest
                        {
                            From = seeds[random.Next(seeds.Length)], To = seeds[random.Next(seeds.Length)], Steps = steps, Temperature = 0.5, Rng = rng,
                        });
                        if (r.Outputs.Count != steps) error = $"{kind}: {r.Outputs.Count} outputs for {steps}";
                    }
                    else if (roll < 0.85)
                    {
                        kind = "samples";
                        var count = random.Next(1, 9);
                        var r = await client.SampleAsync(Model, new SamplesRequest { Count = count, Rng = rng });
                        if (r.Outputs.Count != count) error = $"{kind}: {r.Outputs.Count} outputs for {count}";
                    }
                    else
                    {
                        var bad = BadKinds[random.Next(BadKinds.Length)];
                        kind = bad.Kind;
                        using var response = await raw.SendAsync(BadRequest(bad.Kind, random, seeds));
                        var body = await response.Content.ReadAsStringAsync();
                        var type = ProblemType(body);
                        if (response.StatusCode != bad.Status || type != bad.ProblemType)
                        {
                            error = $"{kind}: {(int)response.StatusCode} {type ?? "(no problem type)"}";
                            example = body.Length > 300 ? body[..300] : body;
                        }
                    }
                }
                catch (VaeCreativeException e)
                {
                    kind = roll < 0.35 ? "variations" : roll < 0.55 ? "interpolations" : "samples";
                    error = $"{kind}: {e.Status} {e.ProblemType}";
                    example = e.Message;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    kind = roll < 0.35 ? "variations" : roll < 0.55 ? "interpolations" : roll < 0.85 ? "samples" : "bad";
                    error = $"{kind}: {e.GetType().Name}";
                    example = e.Message;
                }
                Record(kind, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, error, example);
            }
        })).ToArray();
        Task.WaitAll(tasks);
        var elapsed = clock.Elapsed;
        stop.Cancel();
        sampler.Wait();
        var final = Probe(host, client, clock, samples);
        var info = client.InfoAsync().GetAwaiter().GetResult();

        var total = outcomes.Values.Sum();
        var errorCount = errors.Values.Sum();
        var perKind = latencies.OrderBy(k => k.Key).ToDictionary(k => k.Key, k =>
        {
            var sorted = k.Value.OrderBy(v => v).ToList();
            return new { requests = sorted.Count, p50_ms = Math.Round(Pct(sorted, 0.5), 1), p99_ms = Math.Round(Pct(sorted, 0.99), 1), max_ms = Math.Round(sorted[^1], 1) };
        });
        var result = new
        {
            clients,
            minutes,
            duration_s = Math.Round(elapsed.TotalSeconds, 1),
            host_threads = threads,
            machine_cores = Environment.ProcessorCount,
            requests = total,
            requests_per_s = Math.Round(total / elapsed.TotalSeconds, 1),
            errors = errorCount,
            errors_by_kind = errors,
            error_examples = errorExamples,
            latency = perKind,
            rss_mb = new { start = start.RssMb, end = final.RssMb, max = samples.Max(s => s.rss_mb) },
            managed_mb = new { start = start.ManagedMb, end = final.ManagedMb, max = samples.Max(s => s.managed_mb) },
            live_tensors = new { start = start.LiveTensors, end = final.LiveTensors, max = samples.Max(s => s.live_tensors) },
            host_log = new { lines = host.LogLines, error_lines = host.ErrorLines, first_error = host.FirstError },
            queue = new { info.Queue.Executed, info.Queue.Batches, info.Queue.Dropped, info.Queue.Rejected },
            samples,
        };
        PrintSummary(result.clients, elapsed, total, errorCount, errors, perKind.ToDictionary(k => k.Key, k => (k.Value.requests, k.Value.p50_ms, k.Value.p99_ms)),
            start, final, host.ErrorLines);
        return result;
    }

    private sealed record Probe_(double RssMb, double ManagedMb, long LiveTensors);

    // Lower-case names: they are the JSON field names of the report.
    private sealed record Sample(double t_s, double rss_mb, double managed_mb, long live_tensors);

    private static Probe_ Probe(HostProcess host, VaeCreativeClient client, Stopwatch clock, List<Sample> samples)
    {
        var rss = host.RssMb();
        long tensors = -1;
        double managed = -1;
        try
        {
            var info = client.InfoAsync().GetAwaiter().GetResult();
            tensors = info.LiveTensors;
            managed = Math.Round(info.ManagedMemoryBytes / 1048576.0, 1);
        }
        catch (Exception e) when (e is VaeCreativeException or HttpRequestException or TaskCanceledException) { }
        lock (samples) samples.Add(new Sample(Math.Round(clock.Elapsed.TotalSeconds), rss, managed, tensors));
        return new Probe_(rss, managed, tensors);
    }

    private static void PrintSummary(int clients, TimeSpan elapsed, int total, int errorCount, Dictionary<string, int> errors,
        Dictionary<string, (int Requests, double P50, double P99)> perKind, Probe_ start, Probe_ end, int hostErrorLines)
    {
        var o = Console.Error;
        o.WriteLine($"soak: {clients} clients for {elapsed.TotalMinutes:0.0} min: {total} requests ({total / elapsed.TotalSeconds:0.0}/s), {errorCount} errors");
        foreach (var (kind, n) in errors.OrderByDescending(e => e.Value)) o.WriteLine($"  error {kind}: {n}");
        o.WriteLine($"  {"kind",-16} {"requests",9} {"p50 ms",9} {"p99 ms",9}");
        foreach (var (kind, v) in perKind) o.WriteLine($"  {kind,-16} {v.Requests,9} {v.P50,9:0.0} {v.P99,9:0.0}");
        o.WriteLine($"  host RSS {start.RssMb:0} MB at start, {end.RssMb:0} MB at end (.NET heap {start.ManagedMb:0} → {end.ManagedMb:0} MB); live tensors {start.LiveTensors} at start, {end.LiveTensors} at end; host error log lines {hostErrorLines}");
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string? ProblemType(string body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static HttpRequestMessage BadRequest(string kind, Random random, Material[] seeds)
    {
        var garbage = new byte[random.Next(8, 200)];
        random.NextBytes(garbage);
        "MThd"u8.CopyTo(garbage);
        var (path, body, type) = kind switch
        {
            "bad-midi" => ($"/v1/models/{Model}/variations", $"{{\"seed\":{{\"midi\":\"{Convert.ToBase64String(garbage)}\"}},\"count\":2}}", "application/json"),
            "bad-json" => ($"/v1/models/{Model}/samples", "{\"count\": 2,", "application/json"),
            "wrong-kind" => ($"/v1/models/{Model}/interpolations", "{\"steps\": \"three\"}", "application/json"),
            "no-content-type" => ($"/v1/models/{Model}/samples", "{\"count\": 1}", null),
            _ => ($"/v1/models/no-such-model-{random.Next(1000)}/variations", $"{{\"seed\":{{\"midi\":\"{seeds[0].Midi}\"}}}}", "application/json"),
        };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (type is not null) content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>24 distinct 2-bar seeds: both halves of the demo seed in 12 transpositions (as the concurrency benchmark).</summary>
    private static Material[] Seeds(string repo)
    {
        var melody = MidiMelodyReader.Read(Path.Combine(repo, "samples", "seed-melody.mid"));
        return (from half in new[] { 0, 32 }
                from shift in Enumerable.Range(-6, 12)
                select Material.FromMidi(MidiMelodyWriter.ToBytes(melody.WithTokens(
                    melody.Tokens.Skip(half).Take(32).Select(t => MelodyEncoding.IsNoteOn(t) ? MelodyEncoding.NoteOn(MelodyEncoding.PitchOf(t) + shift) : t).ToArray())))).ToArray();
    }
}
