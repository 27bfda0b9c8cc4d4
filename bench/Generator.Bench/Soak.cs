using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Image.Imaging;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Bench;

/// <summary>
/// Soak test (bench/soak.sh): the real <c>vaecreative serve</c> on a free loopback port, driven by N clients for M
/// minutes with a seeded mix of every bundled modality (<see cref="Lanes"/>: 2-bar melodies, 2-bar drums, text, the
/// two image models, 16-bar melodies), each request a variation, interpolation or sample over seeds suited to its
/// model and a distinct rng, and a share of bad requests (damaged MIDI or PNG, malformed JSON, wrong field kinds, no
/// Content-Type, unknown model). A bad request answered with its documented problem type counts as a success, and so
/// does a documented refusal under load (<see cref="ProblemTypes.Overloaded"/>, counted apart); any other answer, a
/// transport failure or a timeout is an error, by kind. Reports p50/p99 per modality and kind (<c>image/vary</c>) and
/// per model and kind (<c>sprites-32/vary</c>), and the host's RSS (/proc/PID/status) and live tensor count
/// (GET /v1/info) sampled through the run.
/// </summary>
public static class Soak
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(15);

    private sealed record Expected(string Kind, HttpStatusCode Status, string ProblemType);

    private static readonly Expected[] BadKinds =
    [
        new("bad-midi", HttpStatusCode.BadRequest, ProblemTypes.BadSeed),
        new("bad-image", HttpStatusCode.BadRequest, ProblemTypes.BadSeed),
        new("bad-json", HttpStatusCode.BadRequest, ProblemTypes.BadRequest),
        new("wrong-kind", HttpStatusCode.BadRequest, ProblemTypes.BadRequest),
        new("no-content-type", HttpStatusCode.UnsupportedMediaType, ProblemTypes.BadRequest),
        new("unknown-model", HttpStatusCode.NotFound, ProblemTypes.UnknownModel),
    ];

    /// <summary>
    /// One bundled model under load: its modality (the first half of a latency key), its seeds in groups of one
    /// length or size (an interpolation runs between two seeds of a group), and the most outputs a request asks for.
    /// </summary>
    private sealed record Lane(string Modality, string Model, Material[][] Groups, int MaxOutputs)
    {
        public Material Any(Random random)
        {
            var group = Groups[random.Next(Groups.Length)];
            return group[random.Next(group.Length)];
        }
    }

    public static object Run(string repo, string hostDll, int clients, double minutes, int threads)
    {
        var lanes = Lanes(repo);
        var modalities = lanes.Select(l => l.Modality).Distinct().ToArray();
        using var host = HostProcess.Start(hostDll, threads, []);
        using var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10), MaxConnectionsPerServer = clients + 8 };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(120) };
        using var client = new VaeCreativeClient(host.Url, host.Token, http, new VaeCreativeClientOptions { MaxRetries = 0 });
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = host.Url, Timeout = TimeSpan.FromSeconds(120) };
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token);

        // Warm-up (every model loaded, first passes of each kind) before the start figures.
        foreach (var lane in lanes)
            for (var i = 0; i < 2; i++)
            {
                var group = lane.Groups[i % lane.Groups.Length];
                client.VaryAsync(lane.Model, new VariationsRequest { Seed = group[0], Count = lane.MaxOutputs, Rng = -1 - i }).GetAwaiter().GetResult();
                client.InterpolateAsync(lane.Model, new InterpolationsRequest { From = group[0], To = group[^1], Steps = 3, Rng = -1 - i }).GetAwaiter().GetResult();
                client.SampleAsync(lane.Model, new SamplesRequest { Count = lane.MaxOutputs, Rng = -1 - i }).GetAwaiter().GetResult();
            }
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        var start = Probe(host, client, clock, samples);

        var latencies = new Dictionary<string, List<double>>();
        var byModel = new Dictionary<string, List<double>>();
        var refusals = new Dictionary<string, int>();
        var errors = new Dictionary<string, int>();
        var errorExamples = new Dictionary<string, string>();
        var end = TimeSpan.FromMinutes(minutes);
        void Record(string kind, string? modelKind, double ms, string? error, string? example, bool refused)
        {
            lock (latencies)
            {
                if (!latencies.TryGetValue(kind, out var list)) latencies[kind] = list = [];
                list.Add(ms);
                if (modelKind is not null)
                {
                    if (!byModel.TryGetValue(modelKind, out var perModel)) byModel[modelKind] = perModel = [];
                    perModel.Add(ms);
                }
                if (refused) refusals[kind] = refusals.GetValueOrDefault(kind) + 1;
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
                // A modality, then one of its models (the two image models share the image modality's turns).
                var modality = modalities[random.Next(modalities.Length)];
                var choices = lanes.Where(l => l.Modality == modality).ToArray();
                var lane = choices[random.Next(choices.Length)];
                var roll = random.NextDouble();
                var request = roll < 0.35 ? "vary" : roll < 0.55 ? "interpolate" : roll < 0.85 ? "sample" : null;
                var kind = request is null ? "bad" : $"{lane.Modality}/{request}";
                string? modelKind = request is null ? null : $"{lane.Model}/{request}";
                var t0 = Stopwatch.GetTimestamp();
                string? error = null, example = null;
                var refused = false;
                try
                {
                    if (request == "vary")
                    {
                        var count = random.Next(1, lane.MaxOutputs + 1);
                        var r = await client.VaryAsync(lane.Model, new VariationsRequest { Seed = lane.Any(random), Count = count, Rng = rng });
                        if (r.Outputs.Count != count) error = $"{kind}: {r.Outputs.Count} outputs for {count}";
                    }
                    else if (request == "interpolate")
                    {
                        var steps = random.Next(2, Math.Min(6, lane.MaxOutputs) + 1);
                        var group = lane.Groups[random.Next(lane.Groups.Length)];
                        var r = await client.InterpolateAsync(lane.Model, new InterpolationsRequest
                        {
                            From = group[random.Next(group.Length)], To = group[random.Next(group.Length)], Steps = steps, Temperature = 0.5, Rng = rng,
                        });
                        if (r.Outputs.Count != steps) error = $"{kind}: {r.Outputs.Count} outputs for {steps}";
                    }
                    else if (request == "sample")
                    {
                        var count = random.Next(1, lane.MaxOutputs + 1);
                        var r = await client.SampleAsync(lane.Model, new SamplesRequest { Count = count, Rng = rng });
                        if (r.Outputs.Count != count) error = $"{kind}: {r.Outputs.Count} outputs for {count}";
                    }
                    else
                    {
                        var bad = BadKinds[random.Next(BadKinds.Length)];
                        kind = $"bad/{bad.Kind}";
                        using var response = await raw.SendAsync(BadRequest(bad.Kind, random, lanes));
                        var body = await response.Content.ReadAsStringAsync();
                        var type = ProblemType(body);
                        if (type == ProblemTypes.Overloaded) refused = true;
                        else if (response.StatusCode != bad.Status || type != bad.ProblemType)
                        {
                            error = $"{kind}: {(int)response.StatusCode} {type ?? "(no problem type)"}";
                            example = body.Length > 300 ? body[..300] : body;
                        }
                    }
                }
                catch (VaeCreativeException e) when (e.ProblemType == ProblemTypes.Overloaded)
                {
                    // A documented refusal under load (429 with its Retry-After): the host said no as it promises to.
                    refused = true;
                }
                catch (VaeCreativeException e)
                {
                    error = $"{kind}: {e.Status} {e.ProblemType}";
                    example = e.Message;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    error = $"{kind}: {e.GetType().Name}";
                    example = e.Message;
                }
                Record(kind, modelKind, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, error, example, refused);
            }
        })).ToArray();
        Task.WaitAll(tasks);
        var elapsed = clock.Elapsed;
        stop.Cancel();
        sampler.Wait();
        var final = Probe(host, client, clock, samples);
        var info = client.InfoAsync().GetAwaiter().GetResult();

        var total = latencies.Values.Sum(l => l.Count);
        var errorCount = errors.Values.Sum();
        var perKind = Percentiles(latencies);
        var result = new
        {
            clients,
            minutes,
            duration_s = Math.Round(elapsed.TotalSeconds, 1),
            host_threads = threads,
            machine_cores = Environment.ProcessorCount,
            models = lanes.Select(l => new { modality = l.Modality, model = l.Model, seeds = l.Groups.Sum(g => g.Length), max_outputs = l.MaxOutputs }),
            requests = total,
            requests_per_s = Math.Round(total / elapsed.TotalSeconds, 1),
            errors = errorCount,
            errors_by_kind = errors,
            error_examples = errorExamples,
            refusals = refusals.Values.Sum(),
            refusals_by_kind = refusals,
            latency = perKind,
            latency_by_model = Percentiles(byModel),
            rss_mb = new { start = start.RssMb, end = final.RssMb, max = samples.Max(s => s.rss_mb) },
            managed_mb = new { start = start.ManagedMb, end = final.ManagedMb, max = samples.Max(s => s.managed_mb) },
            live_tensors = new { start = start.LiveTensors, end = final.LiveTensors, max = samples.Max(s => s.live_tensors) },
            host_log = new { lines = host.LogLines, error_lines = host.ErrorLines, first_error = host.FirstError },
            queue = new { info.Queue.Executed, info.Queue.Batches, info.Queue.Dropped, info.Queue.Rejected },
            samples,
        };
        PrintSummary(result.clients, elapsed, total, errorCount, errors, result.refusals,
            perKind.ToDictionary(k => k.Key, k => (k.Value.requests, k.Value.p50_ms, k.Value.p99_ms)), start, final, host.ErrorLines);
        return result;
    }

    // Lower-case names: they are the JSON field names of the report.
    private sealed record Latency(int requests, double p50_ms, double p99_ms, double max_ms);

    private static Dictionary<string, Latency> Percentiles(Dictionary<string, List<double>> latencies) =>
        latencies.OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary(k => k.Key, k =>
        {
            var sorted = k.Value.OrderBy(v => v).ToList();
            return new Latency(sorted.Count, Math.Round(Pct(sorted, 0.5), 1), Math.Round(Pct(sorted, 0.99), 1), Math.Round(sorted[^1], 1));
        });

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

    private static void PrintSummary(int clients, TimeSpan elapsed, int total, int errorCount, Dictionary<string, int> errors, int refusals,
        Dictionary<string, (int Requests, double P50, double P99)> perKind, Probe_ start, Probe_ end, int hostErrorLines)
    {
        var o = Console.Error;
        o.WriteLine($"soak: {clients} clients for {elapsed.TotalMinutes:0.0} min: {total} requests ({total / elapsed.TotalSeconds:0.0}/s), {errorCount} errors, {refusals} documented refusals (overloaded)");
        foreach (var (kind, n) in errors.OrderByDescending(e => e.Value)) o.WriteLine($"  error {kind}: {n}");
        o.WriteLine($"  {"kind",-26} {"requests",9} {"p50 ms",9} {"p99 ms",9}");
        foreach (var (kind, v) in perKind) o.WriteLine($"  {kind,-26} {v.Requests,9} {v.P50,9:0.0} {v.P99,9:0.0}");
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

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static HttpRequestMessage BadRequest(string kind, Random random, Lane[] lanes)
    {
        var lane = lanes[random.Next(lanes.Length)];
        var midi = lanes.First(l => l.Modality == "melody");
        var image = lanes.First(l => l.Modality == "image");
        var garbage = new byte[random.Next(8, 200)];
        random.NextBytes(garbage);
        (kind == "bad-image" ? PngSignature : "MThd"u8).CopyTo(garbage);
        var (path, body, type) = kind switch
        {
            "bad-midi" => ($"/v1/models/{midi.Model}/variations", $"{{\"seed\":{{\"midi\":\"{Convert.ToBase64String(garbage)}\"}},\"count\":2}}", "application/json"),
            "bad-image" => ($"/v1/models/{image.Model}/variations",
                $"{{\"seed\":{{\"mediaType\":\"image/png\",\"data\":\"{Convert.ToBase64String(garbage)}\"}},\"count\":2}}", "application/json"),
            "bad-json" => ($"/v1/models/{lane.Model}/samples", "{\"count\": 2,", "application/json"),
            "wrong-kind" => ($"/v1/models/{lane.Model}/interpolations", "{\"steps\": \"three\"}", "application/json"),
            "no-content-type" => ($"/v1/models/{lane.Model}/samples", "{\"count\": 1}", null),
            _ => ($"/v1/models/no-such-model-{random.Next(1000)}/variations", $"{{\"seed\":{{\"midi\":\"{midi.Groups[0][0].Data}\"}}}}", "application/json"),
        };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (type is not null) content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>The bundled models under load, each with seeds suited to it (see the builders below).</summary>
    private static Lane[] Lanes(string repo)
    {
        var melody = MidiMelodyReader.Read(Path.Combine(repo, "samples", "seed-melody.mid"));
        return
        [
            new("melody", "melody-2bar", [TwoBarMelodies(melody)], 8),
            new("drums", "drums-2bar", DrumGrooves(MidiDrumReader.Read(Path.Combine(repo, "samples", "seed-drums.mid"))), 8),
            new("text", "text-flavour", [TextLines.Select(Material.FromText).ToArray()], 8),
            new("image", "sprites-32", [Sprites(32), Sprites(16)], 8),
            new("image", "fashion-28", [Shapes(28), Shapes(16)], 8),
            new("melody-16bar", "melody-16bar", LongMelodies(melody), 4),
        ];
    }

    /// <summary>24 distinct 2-bar seeds: both halves of the demo seed in 12 transpositions (as the concurrency benchmark).</summary>
    private static Material[] TwoBarMelodies(Melody melody) =>
        (from half in new[] { 0, 32 }
         from shift in Enumerable.Range(-6, 12)
         select Material.FromMidi(MidiMelodyWriter.ToBytes(melody.WithTokens(Transpose(melody.Tokens.Skip(half).Take(32), shift))))).ToArray();

    /// <summary>
    /// 16-bar model seeds in three lengths (one group each): the demo seed repeated to 64, 128 and 256 steps (the
    /// model's window), each in 6 transpositions.
    /// </summary>
    private static Material[][] LongMelodies(Melody melody) =>
        (from steps in new[] { 64, 128, 256 }
         select (from shift in new[] { -5, -3, 0, 2, 4, 7 }
                 select Material.FromMidi(MidiMelodyWriter.ToBytes(melody.WithTokens(
                     Transpose(Enumerable.Range(0, steps).Select(t => melody.Tokens[t % melody.Tokens.Count]), shift))))).ToArray()).ToArray();

    private static int[] Transpose(IEnumerable<int> tokens, int shift) =>
        tokens.Select(t => MelodyEncoding.IsNoteOn(t) ? MelodyEncoding.NoteOn(MelodyEncoding.PitchOf(t) + shift) : t).ToArray();

    /// <summary>
    /// Drum seeds: the demo groove's three 2-bar windows (bars 1–2, 2–3, 3–4 with the fill), each also without its
    /// ghost notes and with the hi-hat on every sixteenth, written with our own drum writer (one group: 32 steps), and
    /// the whole 4-bar groove (a group of its own).
    /// </summary>
    private static Material[][] DrumGrooves(DrumPattern groove)
    {
        var hat = DrumEncoding.ClassOf(42) ?? throw new InvalidOperationException("no drum class for the closed hi-hat (42)");
        var windows = new List<Material>();
        foreach (var from in new[] { 0, 16, 32 })
        {
            var tokens = groove.Tokens.Skip(from).Take(32).ToArray();
            var velocities = groove.Velocities.Skip(from).Take(32).ToArray();
            windows.Add(Material.FromMidi(MidiDrumWriter.ToBytes(new DrumPattern(tokens, groove.Tempi, groove.Metre, velocities))));
            var noGhosts = velocities.Select(row => row.Select(v => v is > 0 and < 50 ? (byte)0 : v).ToArray()).ToArray();
            var plain = tokens.Select((_, i) => Enumerable.Range(0, DrumEncoding.ClassCount).Where(c => noGhosts[i][c] > 0)
                .Aggregate(0, (set, c) => set | (1 << c))).ToArray();
            windows.Add(Material.FromMidi(MidiDrumWriter.ToBytes(new DrumPattern(plain, groove.Tempi, groove.Metre, noGhosts))));
            var busy = tokens.Select(t => t | (1 << hat)).ToArray();
            windows.Add(Material.FromMidi(MidiDrumWriter.ToBytes(new DrumPattern(busy, groove.Tempi, groove.Metre, velocities))));
        }
        return [windows.ToArray(), [Material.FromMidi(MidiDrumWriter.ToBytes(groove))]];
    }

    /// <summary>Short lines written for this soak (none from any corpus), one to a few clauses each.</summary>
    private static readonly string[] TextLines =
    [
        "The kettle sings before the guests arrive.",
        "A red kite circles the empty car park.",
        "Bring a lantern; the stairs are longer than they look.",
        "Every map of this town is slightly wrong.",
        "The baker leaves a loaf on the step for the fox.",
        "Rain again, and the gutters hum their one song.",
        "She keeps the spare key inside a hollow stone.",
        "Tomorrow the market moves to the old station.",
        "Nobody remembers who planted the pear tree.",
        "The last bus waits for no one, except on Sundays.",
        "Write it down before the idea walks away.",
        "A small boat drifts past the lighthouse at noon.",
        "The clock in the hall runs seven minutes fast.",
        "Patience is a garden that grows in winter.",
        "He whistles the same tune when he is lost.",
        "The library smells of dust, rain and oranges.",
    ];

    /// <summary>Colour sprites of <paramref name="size"/>² on a clear background: four shapes in four two-colour palettes.</summary>
    private static Material[] Sprites(int size)
    {
        (byte R, byte G, byte B)[][] palettes =
        [
            [(220, 40, 40), (250, 200, 60)], [(40, 120, 220), (240, 240, 240)], [(60, 170, 70), (90, 60, 30)], [(150, 60, 200), (20, 20, 20)],
        ];
        var sprites = new List<Material>();
        for (var shape = 0; shape < 4; shape++)
            for (var p = 0; p < palettes.Length; p++)
            {
                var rgba = new byte[size * size * 4];
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        var part = Shape(shape, x, y, size);
                        if (part < 0) continue;
                        var (r, g, b) = palettes[p][part];
                        var o = (y * size + x) * 4;
                        (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (r, g, b, 255);
                    }
                sprites.Add(Material.FromImage(ImageEncoder.Png(new RgbaImage(size, size, rgba)), keepPalette: (shape + p) % 2 == 0));
            }
        return sprites.ToArray();
    }

    /// <summary>Opaque grey shapes of <paramref name="size"/>² (light on black, as the fashion set): four shapes in three greys.</summary>
    private static Material[] Shapes(int size)
    {
        var shapes = new List<Material>();
        for (var shape = 0; shape < 4; shape++)
            foreach (var (body, trim) in new (byte, byte)[] { (230, 120), (160, 250), (200, 80) })
            {
                var rgba = new byte[size * size * 4];
                for (var i = 0; i < size * size; i++)
                {
                    var part = Shape(shape, i % size, i / size, size);
                    var v = part < 0 ? (byte)0 : part == 0 ? body : trim;
                    (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = (v, v, v, 255);
                }
                shapes.Add(Material.FromImage(ImageEncoder.Png(new RgbaImage(size, size, rgba))));
            }
        return shapes.ToArray();
    }

    /// <summary>Which part of shape <paramref name="shape"/> (disc, diamond, cross, framed square) the pixel is: 0 body, 1 trim, -1 background.</summary>
    private static int Shape(int shape, int x, int y, int size)
    {
        double c = (size - 1) / 2.0, dx = Math.Abs(x - c) / size, dy = Math.Abs(y - c) / size;
        var (inside, edge) = shape switch
        {
            0 => (Math.Sqrt(dx * dx + dy * dy) < 0.4, Math.Sqrt(dx * dx + dy * dy) > 0.3),
            1 => (dx + dy < 0.45, dx + dy > 0.33),
            2 => (dx < 0.12 || dy < 0.12, dx < 0.04 || dy < 0.04),
            _ => (dx < 0.38 && dy < 0.38, dx > 0.28 || dy > 0.28),
        };
        return !inside ? -1 : edge ? 1 : 0;
    }
}
