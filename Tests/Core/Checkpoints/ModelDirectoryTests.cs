using System.Text.Json.Nodes;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Checkpoints;

public class ModelDirectoryTests
{
    private static ModelManifest Manifest(IVaeModel model, string modality = "melody") => new()
    {
        Modality = modality,
        ModelKind = model.Kind,
        Model = ModelManifest.ToJsonObject(TinyModels.MelodyOptions),
        Encoding = new JsonObject { ["classes"] = 90, ["windowSteps"] = 32 },
        WeightsSha256 = "",
    };

    [Fact]
    public void Save_then_load_gives_identical_outputs()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 21);
        ModelDirectory.Save(dir.Path, model, Manifest(model));
        var (loaded, manifest) = ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All, expectedModality: "melody");
        using var _ = loaded;
        Assert.Equal(model.parameters().Sum(p => p.numel()), manifest.Parameters);
        Assert.Contains("torchsharp", manifest.Versions.Keys);

        var tokens = TinyModels.RandomWindows(6, 3).Batch(Enumerable.Range(0, 6).ToArray(), null);
        using (inference_mode())
        {
            Assert.True(model.forward(tokens).SameAs(((SequenceVae)loaded).forward(tokens)));
            using var g1 = new Generator(5);
            using var g2 = new Generator(5);
            var z = randn(6, 8);
            var a = model.Generate(z, new GenerationSettings(0.7, g1));
            var b = ((SequenceVae)loaded).Generate(z, new GenerationSettings(0.7, g2));
            Assert.True(a.SameAs(b));
        }
    }

    [Fact]
    public void A_model_of_another_modality_is_refused_clearly()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody();
        ModelDirectory.Save(dir.Path, model, Manifest(model, "text"));
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All, expectedModality: "melody"));
        Assert.Equal($"the model in '{dir.Path}' is a text model; this needs a melody model.", e.Message);
    }

    [Fact]
    public void Damaged_weights_are_detected()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody();
        var manifest = ModelDirectory.Save(dir.Path, model, Manifest(model));
        var weights = Path.Combine(dir.Path, manifest.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All));
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_not_a_model()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All));
        Assert.Contains("is not a model directory", e.Message);
    }

    [Fact]
    public void A_training_run_without_its_manifest_says_how_to_finish_it()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody();
        new CheckpointStore(dir.Path).Save(model, optim.Adam(model.parameters()), 7);
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All));
        Assert.StartsWith($"'{dir.Path}' holds an unfinished training run (checkpoint at step 7); run `vaecreative train --out {dir.Path} --resume` to finish it.", e.Message);

        // Killed between the weights and the manifest of a longer run: the old manifest no longer matches.
        var manifest = ModelDirectory.Save(dir.Path, model, Manifest(model));
        using (var other = TinyModels.Melody(seed: 5)) other.save(Path.Combine(dir.Path, manifest.WeightsFile));
        e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All));
        Assert.Contains("unfinished training run", e.Message);
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void A_garbled_manifest_is_reported_as_damaged()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "manifest.json"), "{\"format\": \"vaecreative-model\", \"modality\": ");
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load(dir.Path, CPU, TestModelKinds.All));
        Assert.Contains("manifest", e.Message);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Load("/no/such/model", CPU, TestModelKinds.All));
        Assert.Equal("model directory '/no/such/model' does not exist.", e.Message);
    }
}
