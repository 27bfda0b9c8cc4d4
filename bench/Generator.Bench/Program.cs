using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The C# side of the benchmark suite (bench/run.sh drives it). Each phase runs in its own process so
/// that peak RSS is per phase, and prints one JSON object on stdout.
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: vaecreative-bench PHASE [--quick] [--threads N] [--repo DIR] [--out DIR]\n" +
                                    "phases: equivalence, train, latency, generation, serve, concurrency, matmul, flops, fuzz, png-text,\n" +
                                    "        text-export, text-equivalence, text-train, text-latency, image-examples,\n" +
                                    "        image-export, image-train, image-latency, metre-windows, drums-export, drums-equivalence,\n" +
                                    "        drums-train, drums-latency, sprites-export, sprites-latency");
            return 2;
        }
        var phase = args[0];
        var quick = args.Contains("--quick");
        var threads = int.Parse(Arg(args, "--threads") ?? "2");
        var repo = Arg(args, "--repo") ?? FindRepo();
        TorchRuntime.SetThreads(threads);
        object result = phase switch
        {
            "equivalence" => Equivalence(repo, Arg(args, "--out") ?? throw new ArgumentException("--out is required")),
            "train" => Train(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), int.Parse(Arg(args, "--batch") ?? "64"), quick),
            "latency" => Latency(repo, quick, args.Contains("--bf16")),
            "generation" => Generation(repo, quick, args.Contains("--bf16")),
            "serve" => Serve(repo),
            "concurrency" => Concurrency.Run(repo, Arg(args, "--host-dll") ?? throw new ArgumentException("--host-dll is required"), quick,
                (Arg(args, "--host-args") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)),
            "soak" => Soak.Run(repo, Arg(args, "--host-dll") ?? throw new ArgumentException("--host-dll is required"), int.Parse(Arg(args, "--clients") ?? "64"), double.Parse(Arg(args, "--minutes") ?? "10", System.Globalization.CultureInfo.InvariantCulture), threads),
            "matmul" => Matmul(quick),
            "export" => Export(repo, Arg(args, "--out") ?? throw new ArgumentException("--out is required")),
            "fuzz" => Fuzz.Run(args, repo),
            "png-text" => PngTextChunks.Run((Arg(args, "--sizes-mb") ?? "4,16,50").Split(',').Select(int.Parse), args.Contains("--skia")),
            "flops" => new { flops_per_training_example = TrainingFlopsPerExample(MelodyModality.DefaultModelOptions) },
            "text-export" => TextBench.Export(repo, Arg(args, "--out") ?? throw new ArgumentException("--out is required"), Arg(args, "--model"), Arg(args, "--corpus") ?? TextBench.FortunesPath),
            "text-equivalence" => TextBench.Equivalence(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), Arg(args, "--out") ?? throw new ArgumentException("--out is required")),
            "text-train" => TextBench.Train(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), int.Parse(Arg(args, "--batch") ?? "64"), quick),
            "text-latency" => TextBench.Latency(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), quick),
            "image-examples" => ImageExamples.Run(Arg(args, "--model") ?? throw new ArgumentException("--model is required"),
                Arg(args, "--out") ?? throw new ArgumentException("--out is required"), int.Parse(Arg(args, "--count") ?? "5"),
                double.Parse(Arg(args, "--temperature") ?? "0", System.Globalization.CultureInfo.InvariantCulture), args.Contains("--palette"), Arg(args, "--data"), args.Contains("--whole")),
            "image-export" => ImageBench.Export(repo, Arg(args, "--out") ?? throw new ArgumentException("--out is required"), Arg(args, "--model"), Arg(args, "--data")),
            "image-train" => ImageBench.Train(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), int.Parse(Arg(args, "--batch") ?? "128"), quick),
            "image-latency" => ImageBench.Latency(Arg(args, "--dir") ?? throw new ArgumentException("--dir is required"), quick),
            "sprites-export" => SpritesBench.Export(Required(args, "--model"), Required(args, "--data"), Required(args, "--out"),
                int.Parse(Arg(args, "--side") ?? "32"), int.Parse(Arg(args, "--count") ?? "20")),
            "sprites-latency" => SpritesBench.Latency(Required(args, "--dir")),
            "metre-windows" => MetreWindows.Run(repo, Arg(args, "--data")),
            "drums-export" or "melody16-export" => Twin(phase).Export(repo, Required(args, "--out"), Required(args, "--data")),
            "drums-equivalence" or "melody16-equivalence" => Twin(phase).Equivalence(Required(args, "--out"), Required(args, "--data")),
            "drums-train" or "melody16-train" => Twin(phase).Train(Required(args, "--dir"), int.Parse(Arg(args, "--batch") ?? "64"), quick),
            "drums-latency" or "melody16-latency" => Twin(phase).Latency(repo, Required(args, "--data"), quick),
            _ => throw new ArgumentException($"unknown phase '{phase}'"),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(result, Json));
        return 0;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeCreative.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository or pass --repo");
    }

    private static string Nottingham(string repo) => Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets", "nottingham"));

    /// <summary>Deterministic batches of real windows (no augmentation) shared by C# and PyTorch.</summary>
    private static long[] Windows(string repo, int count)
    {
        var corpus = MelodyCorpus.Load(Nottingham(repo), 0.1, 0);
        var data = new long[count * MelodyEncoding.WindowSteps];
        for (var i = 0; i < count; i++)
        {
            var w = corpus.Train.Windows[i % corpus.Train.Count];
            for (var t = 0; t < w.Length; t++) data[i * w.Length + t] = w[t];
        }
        return data;
    }

    /// <summary>
    /// Writes the initial weights (safetensors, via TorchSharp.PyBridge), a few batches and their noise,
    /// and the C# losses of a few Adam steps on them, for bench/reference to reproduce.
    /// </summary>
    private static object Equivalence(string repo, string outDir) =>
        Equivalence(outDir, () => new SequenceVae(MelodyModality.DefaultModelOptions), MelodyEncoding.WindowSteps, count => Windows(repo, count));

    /// <summary>The twin of the phase's model: <c>drums-…</c> or <c>melody16-…</c>.</summary>
    private static SequenceTwin Twin(string phase) => phase.StartsWith("drums-", StringComparison.Ordinal) ? SequenceTwin.Drums : SequenceTwin.Melody16;

    private static string Required(string[] args, string name) => Arg(args, name) ?? throw new ArgumentException($"{name} is required");

    /// <summary>
    /// <see cref="Equivalence(string, string)"/> for any sequence VAE (the drums and 16-bar models' too): a model from
    /// <paramref name="create"/> after seeding 123, <paramref name="windows"/>(n) giving n training windows of
    /// <paramref name="windowSteps"/> tokens.
    /// </summary>
    internal static object Equivalence(string outDir, Func<IVaeModel> create, int windowSteps, Func<int, long[]> windows)
    {
        const int steps = 3, batch = 64;
        const double beta = 0.2, freeBits = 0, lr = 1e-3, clip = 1.0;
        Directory.CreateDirectory(outDir);
        manual_seed(123);
        var model = create();
        using var owner = (IDisposable)model.Module;
        model.Module.save_safetensors(Path.Combine(outDir, "init.safetensors"));
        var tokens = windows(steps * batch);
        using var g = new Generator(77);
        var eps = randn(new long[] { steps, batch, model.LatentSize }, generator: g);
        File.WriteAllBytes(Path.Combine(outDir, "tokens.i64"), tokens.SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(Path.Combine(outDir, "eps.f32"), eps.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray());

        var optimizer = new AdamOptimizer(model.Module.parameters(), lr);
        var losses = new List<double>();
        model.Module.train();
        for (var s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            var x = tensor(tokens.AsSpan(s * batch * windowSteps, batch * windowSteps).ToArray(), new long[] { batch, windowSteps });
            optimizer.zero_grad();
            var posterior = model.Encode(x);
            var z = posterior.Mean + posterior.StdDev * eps[s];
            var rec = model.Reconstruct(x, z, ReconstructionSettings.TeacherForced);
            var terms = ElboTerms.Compute(rec.Nll, posterior.KlToStandardNormal(), beta, freeBits);
            terms.Loss.backward();
            nn.utils.clip_grad_norm_(model.Module.parameters(), clip);
            optimizer.step();
            losses.Add(terms.Loss.item<float>());
        }
        eps.Dispose();
        var spec = new { steps, batch, beta, free_bits = freeBits, lr, clip, latent = model.LatentSize, losses };
        File.WriteAllText(Path.Combine(outDir, "spec.json"), JsonSerializer.Serialize(spec));
        return spec;
    }

    /// <summary>
    /// Inputs both sides share: the bundled model's weights as safetensors (so the PyTorch twin serves the
    /// same weights), 4096 real training windows, and the demo seed's first 2-bar window.
    /// </summary>
    private static object Export(string repo, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var (_, model, seed) = LoadEngine(repo);
        using var _m = model;
        model.Module.save_safetensors(Path.Combine(outDir, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(outDir, "tokens.i64"), Windows(repo, 4096).SelectMany(BitConverter.GetBytes).ToArray());
        var seedTokens = seed.data<long>().ToArray();
        File.WriteAllText(Path.Combine(outDir, "seed.json"), JsonSerializer.Serialize(seedTokens));
        return new { outDir, parameters = model.Module.parameters().Sum(p => p.numel()), seed = seedTokens };
    }

    private static long[] ReadTokens(string dir, int count)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dir, "tokens.i64"));
        var all = new long[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, all, 0, bytes.Length);
        return all.Take(count * 32).ToArray();
    }

    private static object Train(string dir, int batch, bool quick)
    {
        int warmup = quick ? (batch >= 512 ? 1 : 2) : (batch >= 512 ? 2 : 5);
        int timed = quick ? (batch >= 512 ? 2 : 8) : (batch >= 512 ? 8 : 40);
        var tokens = ReadTokens(dir, batch * 8);
        manual_seed(1);
        using var model = new SequenceVae(MelodyModality.DefaultModelOptions);
        var seconds = TimeTrainingSteps(model, k => tensor(tokens.AsSpan(k * batch * 32, batch * 32).ToArray(), new long[] { batch, 32 }), warmup, timed,
            learningRate: 1e-3, beta: 0.2, freeBits: 0, clip: 1.0);
        return new { batch, steps = timed, examples_per_s = timed * batch / seconds, peak_rss_mb = PeakRssMb() };
    }

    /// <summary>
    /// Seconds taken by <paramref name="timed"/> trainer steps after <paramref name="warmup"/> untimed ones, each on
    /// batch <c>step mod 8</c> from <paramref name="batchAt"/> (made inside the step's dispose scope): encode,
    /// reparameterise, reconstruct, ELBO, backward, clipping (when <paramref name="clip"/> &gt; 0), Adam — the trainer's
    /// step, for the models whose reconstruction takes no settings (melody, image; text has word dropout).
    /// </summary>
    internal static double TimeTrainingSteps(IVaeModel model, Func<int, Tensor> batchAt, int warmup, int timed,
        double learningRate, double beta, double freeBits, double clip)
    {
        var parameters = model.Module.parameters().ToArray();
        var optimizer = new AdamOptimizer(parameters, learningRate);
        using var g = new Generator(3);
        model.Module.train();
        var clock = new Stopwatch();
        for (var s = 0; s < warmup + timed; s++)
        {
            if (s == warmup) clock.Start();
            using var scope = NewDisposeScope();
            var x = batchAt(s % 8);
            optimizer.zero_grad();
            var posterior = model.Encode(x);
            var z = posterior.Reparameterize(g);
            var rec = model.Reconstruct(x, z, ReconstructionSettings.TeacherForced);
            var terms = ElboTerms.Compute(rec.Nll, posterior.KlToStandardNormal(), beta, freeBits);
            terms.Loss.backward();
            if (clip > 0) nn.utils.clip_grad_norm_(parameters, clip);
            optimizer.step();
            terms.Loss.item<float>();
        }
        clock.Stop();
        return clock.Elapsed.TotalSeconds;
    }

    private static (VariationEngine Engine, IVaeModel Model, Tensor Seed) LoadEngine(string repo, bool bf16 = false)
    {
        var (model, _) = ModelDirectory.Load(Path.Combine(repo, "models", MelodyModality.DefaultModelFolder), CPU, new ModelKindRegistry().AddAudioKinds(), expectedModality: MelodyModality.ModalityName);
        if (bf16) model.Module.to(ScalarType.BFloat16);
        var melody = MidiMelodyReader.Read(Path.Combine(repo, "samples", "seed-melody.mid"));
        var chunk = MelodyWindows.Chunks(melody)[0];
        var seed = tensor(chunk.Select(t => (long)t).ToArray(), new long[] { 1, 32 });
        // No posterior-mean cache: every request pays for its encode, as the figures are defined (encode + decode)
        // and as the PyTorch twin does.
        return (new VariationEngine(model, CPU, meanCacheCapacity: 0), model, seed);
    }

    private const int VaryWarmup = 10;

    /// <summary>
    /// Milliseconds of 8 variations of <paramref name="seed"/> (similarity 0.75, temperature 0.5), sorted: 50 or 200
    /// runs after 10 warm-up, each in its own dispose scope.
    /// </summary>
    internal static (int Runs, List<double> Times) VaryTimes(VariationEngine engine, Tensor seed, bool quick)
    {
        var runs = quick ? 50 : 200;
        var times = new List<double>();
        for (var i = 0; i < VaryWarmup + runs; i++)
        {
            var sw = Stopwatch.StartNew();
            using (NewDisposeScope()) engine.Vary(seed, 8, 0.75, 0.5, i, rejectCopies: false);
            sw.Stop();
            if (i >= VaryWarmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (runs, times);
    }

    private static object Latency(string repo, bool quick, bool bf16)
    {
        var (engine, model, seed) = LoadEngine(repo, bf16);
        using var _ = model;
        var (runs, times) = VaryTimes(engine, seed, quick);
        // The same 8 variations through MelodyGenerator (what the CLI and the host run): the 2-bar seed as a melody,
        // copies of the seed or of each other redrawn (DistinctDraws), the windows stitched back.
        var loaded = new LoadedModel(Path.Combine(repo, "models", MelodyModality.DefaultModelFolder), model,
            ModelDirectory.ReadManifest(Path.Combine(repo, "models", MelodyModality.DefaultModelFolder)), engine, bf16 ? InferencePrecision.BFloat16 : InferencePrecision.Float32);
        var generator = new MelodyGenerator(loaded);
        var melody = new Melody(seed.data<long>().Select(t => (int)t).ToArray());
        var melodyTimes = new List<double>();
        for (var i = 0; i < VaryWarmup + runs; i++)
        {
            var sw = Stopwatch.StartNew();
            generator.Vary(melody, new VaryOptions { Count = 8, Similarity = 0.75, Temperature = 0.5, Rng = i });
            sw.Stop();
            if (i >= VaryWarmup) melodyTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        melodyTimes.Sort();
        return new { runs, p50_ms = Percentile(times, 0.5), p99_ms = Percentile(times, 0.99),
            melody_p50_ms = Percentile(melodyTimes, 0.5), melody_p99_ms = Percentile(melodyTimes, 0.99) };
    }

    private static object Generation(string repo, bool quick, bool bf16)
    {
        var (engine, model, seed) = LoadEngine(repo, bf16);
        using var _ = model;
        var result = new Dictionary<string, double>();
        foreach (var b in new[] { 1, 8, 64, 256 })
        {
            var reps = Math.Max(3, (quick ? 64 : 1024) / b);
            using (NewDisposeScope()) engine.Vary(seed, b, 0.75, 0.5, 0, rejectCopies: false);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < reps; i++)
                using (NewDisposeScope()) engine.Vary(seed, b, 0.75, 0.5, i, rejectCopies: false);
            result[$"b{b}"] = reps * b / sw.Elapsed.TotalSeconds;
        }
        return result;
    }

    private static object Serve(string repo)
    {
        var (engine, model, seed) = LoadEngine(repo);
        using var _ = model;
        const int requests = 1000; // the figure is defined over 1,000 requests, quick or not
        using (NewDisposeScope()) engine.Vary(seed, 8, 0.75, 0.5, 0);
        GC.Collect();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var rssBefore = RssMb();
        double rssAtTenth = 0;
        for (var i = 0; i < requests; i++)
        {
            using (NewDisposeScope()) engine.Vary(seed, 8, 0.75, 0.5, i);
            if (i == requests / 10) rssAtTenth = RssMb();
        }
        GC.Collect();
        var liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var rssAfter = RssMb();
        return new
        {
            requests,
            live_tensors_before = liveBefore,
            live_tensors_after = liveAfter,
            rss_mb_before = rssBefore,
            rss_mb_after_warm = rssAtTenth,
            rss_mb_after = rssAfter,
            rss_growth_percent = 100 * (rssAfter - rssAtTenth) / rssAtTenth,
            peak_rss_mb = PeakRssMb(),
        };
    }

    private static object Matmul(bool quick)
    {
        const int n = 2048;
        using var a = randn(n, n);
        using var b = randn(n, n);
        for (var i = 0; i < 2; i++) using (matmul(a, b)) { }
        var reps = quick ? 5 : 20;
        var best = double.MaxValue;
        for (var i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            using (matmul(a, b)) { }
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return new { n, gflops = 2.0 * n * n * n / best / 1e9 };
    }

    /// <summary>
    /// Multiply-adds counted as 2 FLOPs; backward counted as twice the forward (the usual 3× rule).
    /// LSTM layer per step: 4H × (I + H) multiply-adds; one-hot inputs are counted as dense (that is what runs).
    /// </summary>
    internal static double TrainingFlopsPerExample(SequenceVaeOptions o)
    {
        double T = o.SequenceLength, V = o.VocabularySize, He = o.EncoderHidden, Hd = o.DecoderHidden, Z = o.LatentSize;
        double Lstm(double input, double hidden) => 2 * 4 * hidden * (input + hidden);
        var encoder = 0.0;
        var input = V;
        for (var l = 0; l < o.EncoderLayers; l++) { encoder += 2 * T * Lstm(input, He); input = 2 * He; }
        var decoder = 0.0;
        input = V + Z;
        for (var l = 0; l < o.DecoderLayers; l++) { decoder += T * Lstm(input, Hd); input = Hd; }
        var heads = 2 * (2 * 2 * He * Z) + 2 * Z * (2 * o.DecoderLayers * Hd) + T * 2 * Hd * V;
        return 3 * (encoder + decoder + heads);
    }

    internal static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double RssMb() => StatusKb("VmRSS:") / 1024.0;

    internal static double PeakRssMb() => StatusKb("VmHWM:") / 1024.0;

    private static double StatusKb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return double.Parse(line[key.Length..].Trim().Split(' ')[0]);
        return double.NaN;
    }
}
