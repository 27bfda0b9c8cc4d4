using System.Text.Json.Nodes;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Training;

public class WarmStartTests
{
    // The tiny melody model's decoder has the same inputs and sizes as this model's bottom decoder (90 + 8 → 32),
    // its posterior heads do not (encoder 2 × 16 here, 2 × 32 there) although their biases (8) would fit alone.
    private static readonly HierarchicalSequenceVaeOptions Target = new()
    {
        VocabularySize = 90, Segments = 2, SegmentLength = 16, SegmentEncoderHidden = 8, EncoderHidden = 16, ConductorHidden = 16,
        ConductorLayers = 1, EmbeddingSize = TinyModels.MelodyOptions.LatentSize, DecoderHidden = TinyModels.MelodyOptions.DecoderHidden,
        DecoderLayers = TinyModels.MelodyOptions.DecoderLayers, LatentSize = 8,
    };

    private static string SaveSource(TempDir dir, string modality = "melody")
    {
        using var source = TinyModels.Melody(seed: 3);
        ModelDirectory.Save(dir.Path, source, new ModelManifest
        {
            Modality = modality,
            ModelKind = source.Kind,
            Model = ModelManifest.ToJsonObject(source.Settings),
            Encoding = new JsonObject { ["classes"] = 90 },
            WeightsSha256 = "",
        });
        return dir.Path;
    }

    private static Dictionary<string, Tensor> Parameters(IVaeModel model) =>
        model.Module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    [Fact]
    public void Whole_modules_that_match_are_copied_and_the_rest_keep_their_initialisation()
    {
        using var dir = new TempDir();
        var sourceDir = SaveSource(dir);
        using var scope = NewDisposeScope();
        using var target = SeededInit.Create("warm-target", 1, () => new HierarchicalSequenceVae(Target));
        var before = Parameters(target).ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var summary = WarmStart.Apply(target, sourceDir, "melody", TestModelKinds.All);

        var (source, _) = ModelDirectory.Load(sourceDir, CPU, TestModelKinds.All);
        using var _ = source;
        var from = Parameters(source);
        var after = Parameters(target);
        string[] copied = ["toDecoderState.weight", "toDecoderState.bias", "decoder.weight_ih_l0", "decoder.weight_hh_l0", "decoder.bias_ih_l0", "decoder.bias_hh_l0", "toLogits.weight", "toLogits.bias"];
        Assert.Equal(copied.Order(), summary.Parameters.Order());
        foreach (var name in copied) Assert.True(after[name].SameAs(from[name]), name);
        foreach (var name in after.Keys.Except(copied)) Assert.True(after[name].SameAs(before[name]), name);
        // The bias alone would fit; the module does not, so it keeps the target's own.
        Assert.Equal(from["toMean.bias"].shape, after["toMean.bias"].shape);
        Assert.False(after["toMean.bias"].SameAs(from["toMean.bias"]));
        Assert.Equal(copied.Sum(n => after[n].numel()), summary.Weights);
        Assert.Equal(after.Values.Sum(p => p.numel()), summary.TotalWeights);
        Assert.Contains("(toDecoderState, decoder, toLogits)", summary.ToString());
    }

    [Fact]
    public void A_model_with_nothing_in_common_is_refused()
    {
        using var dir = new TempDir();
        var sourceDir = SaveSource(dir);
        using var target = SeededInit.Create("warm-target-unrelated", 1, () => new HierarchicalSequenceVae(Target with { VocabularySize = 40, DecoderHidden = 24, EncoderHidden = 12 }));
        var e = Assert.Throws<ModelLoadException>(() => WarmStart.Apply(target, sourceDir, "melody", TestModelKinds.All));
        Assert.Equal($"the model in '{sourceDir}' (sequence-vae) has no module whose parameters match the hierarchical-sequence-vae being trained in name and shape, so it cannot start it.", e.Message);
    }

    [Fact]
    public void A_model_of_another_modality_is_refused()
    {
        using var dir = new TempDir();
        var sourceDir = SaveSource(dir, modality: "drums");
        using var target = SeededInit.Create("warm-target", 1, () => new HierarchicalSequenceVae(Target));
        var e = Assert.Throws<ModelLoadException>(() => WarmStart.Apply(target, sourceDir, "melody", TestModelKinds.All));
        Assert.Contains("is a drums model; this needs a melody model", e.Message);
    }
}
