using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.PyBridge;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;
using VaeCreative.Image.Training;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The image phases of the benchmark (bench/run.sh and scripts/image-twin.sh; the PyTorch side is
/// bench/reference/bench.py's image-* phases with bench/reference/image_vae.py). <c>image-export</c> rebuilds a bundled
/// image model's training run from its run.json — the same data, split, encoding and seeded initial weights the
/// <c>train</c> command started from — and writes what the twin needs: the initial and the trained weights
/// (safetensors), the training and held-out images as the model saw them (one byte per value, k / 255), the index of
/// every image of every training step (the trainer's <see cref="BatchOrder"/>), and the run's optimiser settings.
/// </summary>
internal static class ImageBench
{
    /// <summary>The model the image phases measure unless told otherwise.</summary>
    public const string DefaultModel = "fashion-28";

    private const string SpecFile = "image.json";
    private const string InitialWeights = "init.safetensors";
    private const string TrainedWeights = "model.safetensors";
    private const string TrainImages = "train.u8";
    private const string HeldOutImages = "test.u8";
    private const string OrderFile = "order.i32";

    // The variation every latency figure is defined over: 8 variations at the CLI's defaults for images.
    private const int VaryCount = GenerationLimits.DefaultCount;
    private const double Similarity = GenerationLimits.DefaultSimilarity;
    private const int LatencyWarmup = 10, LatencyRuns = 200, LatencyQuickRuns = 50;

    private static readonly ModelKindRegistry Kinds = new(); // Core's kinds, conv-vae among them

    public static object Export(string repo, string outDir, string? modelDir, string? dataOverride)
    {
        outDir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outDir);
        modelDir = Path.GetFullPath(modelDir ?? Path.Combine(repo, "models", DefaultModel));
        var config = JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(Path.Combine(modelDir, TrainingRun.RunFile)), ModelManifest.JsonOptions)
            ?? throw new InvalidOperationException($"{modelDir}/{TrainingRun.RunFile} is empty.");
        if (dataOverride is not null) config = config with { Data = Path.GetFullPath(dataOverride) };
        var recipe = new ImageTrainingRecipe();
        var clock = Stopwatch.StartNew();
        var corpus = recipe.Load(config.Data, config.ValidationFraction, augment: true, config.Settings, Console.Error.WriteLine);
        var plan = recipe.Prepare(config, corpus, outDir, Console.Error.WriteLine);
        using var initial = (ConvVae)plan.Model;
        var (loaded, manifest) = ModelDirectory.Load(modelDir, CPU, Kinds, ImageModality.ModalityName);
        using var trained = (ConvVae)loaded;
        var shape = ModelManifest.ToJsonObject(initial.Settings);
        if (!JsonNode.DeepEquals(shape, ModelManifest.ToJsonObject(trained.Settings)))
            throw new InvalidOperationException($"the run in {modelDir} builds {shape.ToJsonString()}, not the model it holds.");
        if (plan.Train is ImageDataset { Flip: true })
            throw new InvalidOperationException("the run mirrors training images at random; the export holds unmirrored images, so the twin would not see the same batches.");
        initial.save_safetensors(Path.Combine(outDir, InitialWeights));
        trained.save_safetensors(Path.Combine(outDir, TrainedWeights));
        WriteImages(plan.Train, Path.Combine(outDir, TrainImages));
        WriteImages(plan.Validation, Path.Combine(outDir, HeldOutImages));

        // Every step's image indices, as the trainer draws them.
        var order = new BatchOrder(config.Seed, config.BatchSize, plan.Train.Count);
        using (var file = File.Create(Path.Combine(outDir, OrderFile)))
            for (long step = 0; step < config.Steps; step++)
                file.Write(MemoryMarshal.AsBytes(order.Indices(step).AsSpan()));

        var options = config.ToTrainerOptions();
        var spec = new JsonObject
        {
            ["model_dir"] = modelDir,
            ["model"] = shape,
            ["parameters"] = initial.parameters().Sum(p => p.numel()),
            ["parameter_order"] = new JsonArray(initial.named_parameters().Select(p => (JsonNode)p.name).ToArray()),
            ["encoding"] = manifest.Encoding?.DeepClone(),
            ["data"] = config.Data,
            ["train_images"] = plan.Train.Count,
            ["held_out_images"] = plan.Validation.Count,
            ["dimensions"] = trained.DimensionsPerExample,
            ["training"] = new JsonObject
            {
                ["steps"] = options.Steps,
                ["batch"] = options.BatchSize,
                ["seed"] = options.Seed,
                ["sampling_stream"] = StableSeed.Sampling,
                ["learning_rate"] = options.LearningRate,
                ["learning_rate_decay"] = options.LearningRateDecay,
                ["min_learning_rate"] = options.MinLearningRate,
                ["clip"] = options.GradientClipNorm,
                ["beta"] = options.Beta.Beta(0),
                ["beta_schedule"] = options.Beta.ToString(),
                ["free_bits"] = options.FreeBits,
                ["validate_every"] = options.ValidateEvery,
                ["elapsed_seconds"] = manifest.Training?["elapsedSeconds"]?.DeepClone(),
                ["examples_per_second"] = manifest.Training?["examplesPerSecond"]?.DeepClone(),
            },
            ["latency"] = new JsonObject
            {
                ["seed_image"] = 0, // the first held-out image
                ["count"] = VaryCount,
                ["similarity"] = Similarity,
                ["temperature"] = new ImageModality().DefaultTemperature,
                ["warmup"] = LatencyWarmup,
                ["runs"] = LatencyRuns,
                ["quick_runs"] = LatencyQuickRuns,
            },
        };
        if (options.Beta.Beta(0) != options.Beta.Beta(options.Steps - 1))
            throw new InvalidOperationException($"the run's β schedule ({options.Beta}) is not constant; the twin trains with constant β.");
        File.WriteAllText(Path.Combine(outDir, SpecFile), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new
        {
            model_dir = modelDir,
            parameters = initial.parameters().Sum(p => p.numel()),
            train_images = plan.Train.Count,
            held_out_images = plan.Validation.Count,
            steps = options.Steps,
            batch = options.BatchSize,
            seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Training throughput at <paramref name="batch"/>: the trainer's step (encode, reparameterise, reconstruct, ELBO with
    /// the run's β and free bits, backward, clip, Adam) on 8 batches of exported training images in turn.
    /// </summary>
    public static object Train(string dir, int batch, bool quick)
    {
        int warmup = quick ? 2 : 5, timed = quick ? 10 : 60;
        var spec = ReadSpec(dir);
        var o = ModelManifest.FromJsonObject<ConvVaeOptions>(spec["model"]!.AsObject());
        var t = spec["training"]!;
        var images = ReadImages(Path.Combine(dir, TrainImages), batch * 8, o);
        using var initialization = new Generator(1);
        using var model = new ConvVae(o, initialization);
        var seconds = Program.TimeTrainingSteps(model, k => images.narrow(0, k * batch, batch), warmup, timed,
            t["learning_rate"]!.GetValue<double>(), t["beta"]!.GetValue<double>(), t["free_bits"]!.GetValue<double>(), t["clip"]!.GetValue<double>());
        images.Dispose();
        return new { batch, steps = timed, examples_per_s = timed * batch / seconds, peak_rss_mb = Program.PeakRssMb() };
    }

    /// <summary>
    /// Latency of 8 variations of the first held-out image with the trained model: the engine alone (encode, slerp,
    /// decode; no posterior-mean cache, as the twin) and the whole image path (<see cref="IMaterialGenerator.VaryMany"/>:
    /// decode the seed PNG, fit it, vary, redraw copies, encode 8 PNGs).
    /// </summary>
    public static object Latency(string dir, bool quick)
    {
        var spec = ReadSpec(dir);
        var lat = spec["latency"]!;
        var modelDir = spec["model_dir"]!.GetValue<string>();
        var (loaded, manifest) = ModelDirectory.Load(modelDir, CPU, Kinds, ImageModality.ModalityName);
        using var model = (ConvVae)loaded;
        var o = model.Settings;
        var temperature = lat["temperature"]!.GetValue<double>();
        var runs = quick ? LatencyQuickRuns : LatencyRuns;
        using var seed = ReadImages(Path.Combine(dir, HeldOutImages), 1, o);
        using var engine = new VariationEngine(model, CPU, meanCacheCapacity: 0);
        var times = new List<double>();
        for (var i = 0; i < LatencyWarmup + runs; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            engine.Vary(seed, VaryCount, Similarity, temperature, i, rejectCopies: false);
            sw.Stop();
            if (i >= LatencyWarmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }

        var generator = new ImageModality().Open(new LoadedModel(modelDir, model, manifest, engine, InferencePrecision.Float32));
        var encoding = ImageEncoding.Read(manifest, o);
        var png = ImageEncoder.Png(encoding.ToImage(seed.flatten().data<float>().ToArray()));
        var imageTimes = new List<double>();
        for (var i = 0; i < LatencyWarmup + runs; i++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            var prepared = generator.Prepare(Material.FromBytes(ImageMediaTypes.Png, png), "seed");
            generator.VaryMany([new MaterialVariation(prepared, new VaryOptions { Count = VaryCount, Similarity = Similarity, Temperature = temperature, Rng = i })]);
            sw.Stop();
            if (i >= LatencyWarmup) imageTimes.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        imageTimes.Sort();
        return new
        {
            runs,
            p50_ms = Program.Percentile(times, 0.5),
            p95_ms = Program.Percentile(times, 0.95),
            p99_ms = Program.Percentile(times, 0.99),
            image_p50_ms = Program.Percentile(imageTimes, 0.5),
            image_p95_ms = Program.Percentile(imageTimes, 0.95),
            image_p99_ms = Program.Percentile(imageTimes, 0.99),
            peak_rss_mb = Program.PeakRssMb(),
        };
    }

    /// <summary>Writes every image of <paramref name="data"/> as the model sees it, one byte (k / 255) per value.</summary>
    private static void WriteImages(ITrainingData data, string path)
    {
        using var file = File.Create(path);
        const int chunk = 1000;
        for (var start = 0; start < data.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(chunk, data.Count - start)).ToArray();
            var values = data.Batch(indices, null).data<float>().ToArray();
            var bytes = new byte[values.Length];
            for (var i = 0; i < values.Length; i++) bytes[i] = (byte)Math.Round(values[i] * 255f);
            file.Write(bytes);
        }
    }

    /// <summary>The first <paramref name="count"/> exported images as [count, channels, height, width] in [0, 1].</summary>
    private static Tensor ReadImages(string path, int count, ConvVaeOptions o)
    {
        var size = (long)o.Channels * o.Height * o.Width;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < count * size) throw new InvalidOperationException($"{path} holds fewer than {count} images.");
        var values = new float[count * size];
        for (var i = 0; i < values.Length; i++) values[i] = bytes[i] / 255f;
        return tensor(values, [count, o.Channels, o.Height, o.Width]);
    }

    private static JsonObject ReadSpec(string dir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SpecFile)))!.AsObject();
}
