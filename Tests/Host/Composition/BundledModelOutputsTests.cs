using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using VaeCreative.Audio;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Composition;
using VaeCreative.Image;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Composition;

/// <summary>
/// Every bundled model loads with the host's registrations and gives, for a fixed rng, the outputs recorded in
/// <c>bundled-model-outputs.json</c> beside this file: four variations of the modality's bundled seed and four prior
/// samples. What lets the code be moved around (issue 26) with the product behaving exactly as before.
/// </summary>
/// <remarks>
/// Text is compared as text and MIDI byte for byte. Images are compared pixel by pixel within
/// <see cref="PixelTolerance"/> levels: their values are floats rounded at the end, and another CPU's kernels may round
/// a pixel the other way. To record on purpose (a model retrained, a sampler changed, and said so in the commit), run
/// the test with <c>VAECREATIVE_RECORD_OUTPUTS=1</c>; it rewrites the file and fails, so a recording never passes
/// unnoticed.
/// </remarks>
public class BundledModelOutputsTests
{
    private const int PixelTolerance = 2;
    private const long Rng = 1;
    private const int Count = 4;

    private static string RecordPath => Path.Combine(RepoPaths.Root, "Tests", "Host", "Composition", "bundled-model-outputs.json");

    /// <summary>The bundled models: each folder of models/ that holds a manifest.</summary>
    public static TheoryData<string> BundledModels()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(RepoPaths.Root, "models")).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "manifest.json"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(BundledModels))]
    public void A_bundled_model_gives_its_recorded_outputs(string id)
    {
        var actual = Outputs(id);
        if (Environment.GetEnvironmentVariable("VAECREATIVE_RECORD_OUTPUTS") == "1")
        {
            Record(id, actual);
            Assert.Fail($"recorded the outputs of {id} in {RecordPath}; run again without VAECREATIVE_RECORD_OUTPUTS");
        }
        var recorded = Load()[id] as JsonObject
            ?? throw new Xunit.Sdk.XunitException($"no recorded outputs for {id}: record them with VAECREATIVE_RECORD_OUTPUTS=1");
        foreach (var (kind, outputs) in actual)
        {
            var expected = recorded[kind]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            Assert.Equal(expected.Count, outputs.Count);
            for (var i = 0; i < outputs.Count; i++)
                AssertSame(expected[i], outputs[i], $"{id} {kind} {i}");
        }
    }

    /// <summary>The model's outputs by kind ("vary", "sample"), each as text, or base64 for bytes.</summary>
    private static Dictionary<string, List<string>> Outputs(string id)
    {
        using var services = HostServices.Build(Path.Combine(RepoPaths.Root, "models"));
        var store = services.GetRequiredService<ModelStore>();
        var model = store.Get(Path.Combine(RepoPaths.Root, "models", id));
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (SeedOf(model.Manifest.Modality) is { } seedMaterial)
        {
            var seed = generator.Prepare(seedMaterial, "seed");
            result["vary"] = [.. generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = Count, Rng = Rng })])[0].Select(Encode)];
        }
        result["sample"] = [.. generator.SampleMany([new SampleOptions { Count = Count, Rng = Rng }])[0].Select(Encode)];
        return result;
    }

    /// <summary>The bundled seed of <paramref name="modality"/> (samples/seed-*), or null for a modality without one.</summary>
    private static Material? SeedOf(string modality)
    {
        var samples = Path.Combine(RepoPaths.Root, "samples");
        return modality switch
        {
            "melody" => Material.FromBytes(AudioMediaTypes.Midi, File.ReadAllBytes(Path.Combine(samples, "seed-melody.mid"))),
            "drums" => Material.FromBytes(AudioMediaTypes.Midi, File.ReadAllBytes(Path.Combine(samples, "seed-drums.mid"))),
            "text" => Material.FromText(File.ReadAllText(Path.Combine(samples, "seed-text.txt")).Trim()),
            "image" => Material.FromBytes(ImageMediaTypes.Png, File.ReadAllBytes(Path.Combine(samples, "seed-image.png"))),
            _ => null,
        };
    }

    private static string Encode(Material m) => m.Text is { } text ? "text:" + text : $"{m.MediaType}:{Convert.ToBase64String(m.Data!)}";

    private static void AssertSame(string expected, string actual, string what)
    {
        if (expected == actual) return;
        const string png = ImageMediaTypes.Png + ":";
        Assert.True(expected.StartsWith(png, StringComparison.Ordinal) && actual.StartsWith(png, StringComparison.Ordinal),
            $"{what} changed:\n  recorded {Shorten(expected)}\n  now      {Shorten(actual)}");
        using var a = SKBitmap.Decode(Convert.FromBase64String(expected[png.Length..]));
        using var b = SKBitmap.Decode(Convert.FromBase64String(actual[png.Length..]));
        Assert.True(a.Width == b.Width && a.Height == b.Height, $"{what}: {a.Width}×{a.Height} recorded, {b.Width}×{b.Height} now");
        var worst = 0;
        for (var y = 0; y < a.Height; y++)
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
                worst = Math.Max(worst, new[] { p.Red - q.Red, p.Green - q.Green, p.Blue - q.Blue, p.Alpha - q.Alpha }.Max(Math.Abs));
            }
        Assert.True(worst <= PixelTolerance, $"{what}: a pixel moved by {worst} levels (tolerance {PixelTolerance})");
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : $"{s[..120]}… ({s.Length} chars, sha256 {Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s)))[..16]})";

    private static JsonObject Load() =>
        File.Exists(RecordPath) ? JsonNode.Parse(File.ReadAllText(RecordPath))!.AsObject() : [];

    private static readonly Lock RecordGate = new();

    private static void Record(string id, Dictionary<string, List<string>> outputs)
    {
        lock (RecordGate)
        {
            var all = Load();
            var entry = new JsonObject();
            foreach (var (kind, list) in outputs) entry[kind] = new JsonArray([.. list.Select(s => (JsonNode)s)]);
            all[id] = entry;
            var sorted = new JsonObject();
            foreach (var key in all.Select(p => p.Key).Order(StringComparer.Ordinal).ToList()) sorted[key] = all[key]!.DeepClone();
            var temp = RecordPath + ".tmp";
            File.WriteAllText(temp, sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            File.Move(temp, RecordPath, overwrite: true);
        }
    }
}
