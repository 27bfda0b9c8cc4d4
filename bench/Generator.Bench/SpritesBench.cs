using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;
using static TorchSharp.torch;

namespace VaeCreative.Bench;

/// <summary>
/// The sprite model beside its PyTorch twin (scripts/sprites-twin.sh; the PyTorch side is bench/reference/sprites_twin.py
/// with bench/reference/autoencoder_kl.py). <c>sprites-export</c> writes a spatial image model's network in diffusers'
/// format (config.json and diffusion_pytorch_model.safetensors, as a Stable Diffusion VAE is shipped), its likelihood's
/// shape, and the seeds (the first <c>--count</c> square sprites of <c>--side</c> pixels under <c>--data</c>, by path) as
/// the model sees them, with this model's temperature-0 reconstruction of each, which the twin must reproduce.
/// <c>sprites-latency</c> times 8 variations of each seed: the engine alone (encode, posterior noise, decode, the
/// mixture's mode) and the whole image path (decode the PNG, vary, palette, encode 8 PNGs).
/// </summary>
internal static class SpritesBench
{
    private const string SpecFile = "sprites.json";
    private const string SeedsFile = "seeds.f32";
    private const string ReconstructionsFile = "reconstructions.f32";
    private const int VaryCount = GenerationLimits.DefaultCount;
    private const double Similarity = GenerationLimits.DefaultSimilarity;
    private const int Warmup = 5, Runs = 20;

    private static ModelKindRegistry Kinds() => new ModelKindRegistry()
        .Add(SpatialImageVae.KindName, settings => new SpatialImageVae(ModelManifest.FromJsonObject<SpatialImageVaeOptions>(settings)));

    public static object Export(string modelDir, string dataDir, string outDir, int side, int count)
    {
        outDir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outDir);
        var (loaded, _) = ModelDirectory.Load(Path.GetFullPath(modelDir), CPU, Kinds(), ImageModality.ModalityName);
        using var model = (SpatialImageVae)loaded;
        AutoencoderKlWeights.Save(model.Network, outDir);
        var seeds = Seeds(dataDir, side, count, model.Settings.Channels);
        using var batch = tensor(seeds.SelectMany(s => s.Values).ToArray(), [seeds.Count, model.Settings.Channels, side, side]);
        File.WriteAllBytes(Path.Combine(outDir, SeedsFile), ToBytes(batch));
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            var posterior = model.Encode(batch);
            var reconstruction = model.Generate(posterior.Mean, new GenerationSettings(0));
            File.WriteAllBytes(Path.Combine(outDir, ReconstructionsFile), ToBytes(reconstruction));
        }
        var spec = new JsonObject
        {
            ["model_dir"] = Path.GetFullPath(modelDir),
            ["channels"] = model.Settings.Channels,
            ["components"] = model.Settings.Components,
            ["side"] = side,
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode)s.Path).ToArray()),
            ["count"] = VaryCount,
            ["similarity"] = Similarity,
            ["spread"] = VariationEngine.PosteriorNoiseSpread,
            ["warmup"] = Warmup,
            ["runs"] = Runs,
        };
        File.WriteAllText(Path.Combine(outDir, SpecFile), spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new { seeds = seeds.Count, side, parameters = model.Module.parameters().Sum(p => p.numel()) };
    }

    public static object Latency(string dir)
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, SpecFile)))!.AsObject();
        var modelDir = spec["model_dir"]!.GetValue<string>();
        var side = spec["side"]!.GetValue<int>();
        var paths = spec["seeds"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();
        var (loaded, manifest) = ModelDirectory.Load(modelDir, CPU, Kinds(), ImageModality.ModalityName);
        using var model = (SpatialImageVae)loaded;
        var bytes = File.ReadAllBytes(Path.Combine(dir, SeedsFile));
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        using var all = tensor(values, [paths.Length, model.Settings.Channels, side, side]);
        using var engine = new VariationEngine(model, CPU, meanCacheCapacity: 0);
        var engineTimes = new List<double>();
        for (var s = 0; s < paths.Length; s++)
        {
            using var seed = all.narrow(0, s, 1);
            for (var i = 0; i < Warmup + Runs; i++)
            {
                using var scope = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                engine.Vary(seed, VaryCount, Similarity, 0, i, rejectCopies: false);
                sw.Stop();
                if (i >= Warmup) engineTimes.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        var generator = new ImageModality().Open(new LoadedModel(modelDir, model, manifest, engine, InferencePrecision.Float32));
        var imageTimes = new List<double>();
        foreach (var path in paths)
        {
            var png = File.ReadAllBytes(path);
            for (var i = 0; i < Warmup + Runs; i++)
            {
                using var scope = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                var prepared = generator.Prepare(Material.FromBytes(ImageMediaTypes.Png, png), Path.GetFileName(path));
                generator.VaryMany([new MaterialVariation(prepared, new VaryOptions { Count = VaryCount, Similarity = Similarity, Temperature = 0, Rng = i })]);
                sw.Stop();
                if (i >= Warmup) imageTimes.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        engineTimes.Sort();
        imageTimes.Sort();
        return new
        {
            seeds = paths.Length,
            runs_per_seed = Runs,
            p50_ms = Program.Percentile(engineTimes, 0.5),
            p90_ms = Program.Percentile(engineTimes, 0.9),
            image_p50_ms = Program.Percentile(imageTimes, 0.5),
            image_p90_ms = Program.Percentile(imageTimes, 0.9),
            peak_rss_mb = Program.PeakRssMb(),
        };
    }

    /// <summary>The first <paramref name="count"/> sprites of exactly <paramref name="side"/> × <paramref name="side"/> under <paramref name="dataDir"/>, in path order, as values in [0, 1] (clear pixels carry no colour).</summary>
    private static List<(string Path, float[] Values)> Seeds(string dataDir, int side, int count, int channels)
    {
        var seeds = new List<(string, float[])>();
        foreach (var path in Directory.EnumerateFiles(Path.GetFullPath(dataDir), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var image = ImageDecoder.Decode(File.ReadAllBytes(path), "seed");
            if (image.Width != side || image.Height != side) continue;
            seeds.Add((path, Planes(image, channels)));
            if (seeds.Count == count) break;
        }
        if (seeds.Count == 0) throw new ArgumentException($"no {side}×{side} PNG under {dataDir}.");
        return seeds;
    }

    private static float[] Planes(RgbaImage image, int channels)
    {
        if (channels != 4) throw new ArgumentException("the sprite bench measures RGBA models.");
        var n = image.Width * image.Height;
        var values = new float[4 * n];
        for (var i = 0; i < n; i++)
        {
            var a = image.Rgba[4 * i + 3];
            for (var c = 0; c < 3; c++) values[c * n + i] = a == 0 ? 0 : image.Rgba[4 * i + c] / 255f;
            values[3 * n + i] = a / 255f;
        }
        return values;
    }

    private static byte[] ToBytes(Tensor t)
    {
        var values = t.contiguous().to(ScalarType.Float32).data<float>().ToArray();
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
