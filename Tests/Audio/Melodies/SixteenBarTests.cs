using System.Text.Json;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Melodies;

/// <summary>16-bar melody models (issue 12): their windows, their shapes, and one trained a few steps end to end.</summary>
public class SixteenBarTests
{
    private static int On(int pitch) => MelodyEncoding.NoteOn(pitch);

    [Theory]
    [InlineData(4, 4, 256)] // 16 bars
    [InlineData(3, 4, 252)] // 21 waltz bars
    [InlineData(6, 8, 252)]
    public void Sixteen_bar_windows_hold_whole_bars(int numerator, int denominator, int windowSteps)
    {
        var tokens = new int[windowSteps * 3];
        for (var t = 0; t < tokens.Length; t += 4) tokens[t] = On(60 + t % 12);
        var melody = new Melody(tokens, TempoMap.Constant(120), MetreMap.Constant(new TimeSignature(numerator, denominator)));
        var spans = MelodyWindows.Spans(melody, windowSteps: MelodyModality.SixteenBarWindowSteps);
        Assert.Equal(3, spans.Count);
        Assert.All(spans, s => Assert.Equal(windowSteps, s.Length));
        var chunks = MelodyWindows.Chunks(melody, spans, windowSteps: MelodyModality.SixteenBarWindowSteps);
        Assert.All(chunks, c => Assert.Equal(256, c.Length));
        Assert.Equal(melody.Tokens, MelodyWindows.Stitch(chunks, spans));
        Assert.All(MelodyWindows.Training(melody, hopSteps: windowSteps, windowSteps: 256), w => Assert.Equal(256, w.Length));
    }

    [Theory]
    [InlineData("flat16", "sequence-vae")]
    [InlineData("hier16", "hierarchical-sequence-vae")]
    public void The_sixteen_bar_shapes_fit_a_bundled_model_and_have_about_the_same_budget(string size, string kind)
    {
        var shape = new MelodyTrainingRecipe().Shape(size);
        Assert.Equal(kind, shape.Kind);
        using var model = (TorchSharp.torch.nn.Module)TestModelKinds.All.Create(shape.Kind, shape.Settings).Module;
        var parameters = model.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 4_300_000, 5_000_000); // ≤ 20 MB of float32 weights; flat and hierarchical within 10%
    }

    [Fact]
    public void A_hierarchical_model_trains_varies_whole_songs_samples_16_bars_and_interpolates()
    {
        using var dir = new TempDir();
        var data = Path.Combine(dir.Path, "tunes");
        Directory.CreateDirectory(data);
        var random = new Random(3);
        for (var i = 0; i < 6; i++)
            MidiMelodyWriter.Write(new Melody(TestMelodies.Random(random, 20 * 16)), Path.Combine(data, $"tune{i}.mid"));
        var model = Path.Combine(dir.Path, "hier");
        var train = Support.Cli.Run("train", "--modality", "melody", "--size", "hier16", "--data", data, "--out", model, "--steps", "2", "--batch", "4",
            "--validation-fraction", "0.3", "--encoder-hidden", "32", "--decoder-hidden", "32", "--latent", "16");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var manifest = ModelDirectory.ReadManifest(model);
        Assert.Equal(HierarchicalSequenceVae.KindName, manifest.ModelKind);
        Assert.Equal(256, manifest.Encoding["windowSteps"]!.GetValue<int>());
        Assert.Equal(256, manifest.Training!["data"]!["windowSteps"]!.GetValue<int>());

        var song = Path.Combine(dir.Path, "song.mid");
        MidiMelodyWriter.Write(new Melody(TestMelodies.Random(random, 40 * 16)), song);
        var outDir = Path.Combine(dir.Path, "out");
        var vary = Support.Cli.Run("vary", "--model", model, "--seed", song, "-n", "2", "--out", outDir, "--json");
        Assert.True(vary.ExitCode == 0, vary.Stderr);
        foreach (var path in JsonDocument.Parse(vary.Stdout).RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!))
            Assert.Equal(40 * 16, MidiMelodyReader.Read(path).Steps);
        var sample = Support.Cli.Run("sample", "--model", model, "-n", "1", "--out", outDir, "--json");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.Equal(256, MidiMelodyReader.Read(JsonDocument.Parse(sample.Stdout).RootElement.GetProperty("outputs")[0].GetString()!).Steps);
        var interpolate = Support.Cli.Run("interpolate", "--model", model, "--from", song, "--to", Path.Combine(data, "tune0.mid"), "--steps", "3", "--out", outDir);
        Assert.True(interpolate.ExitCode == 0, interpolate.Stderr);
    }

    [Fact]
    public void The_bundled_16_bar_model_is_hierarchical_and_reconstructs_held_out_tunes()
    {
        // Two tunes held out from every bundled melody model (the manifest lists them), evaluated in 16-bar windows.
        var manifest = ModelDirectory.ReadManifest(Path.Combine(RepoPaths.Root, "models", MelodyModality.SixteenBarModelFolder));
        Assert.Equal(HierarchicalSequenceVae.KindName, manifest.ModelKind);
        Assert.Equal(256, manifest.Encoding["windowSteps"]!.GetValue<int>());
        using var dir = new TempDir();
        foreach (var tune in new[] { "hpps13.mid", "playford10.mid" })
            File.Copy(Path.Combine(RepoPaths.Nottingham, tune), dir.File(tune));
        var eval = Support.Cli.Run("eval", "--model", MelodyModality.SixteenBarModelFolder, "--data", dir.Path, "--split", "all", "-k", "0", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var root = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(4, root.GetProperty("windows").GetInt32());
        // 0.786 and 0.700 when the model was bundled; a model stuck on holding one note per bar (see the model card)
        // gets about 0.65 for both.
        Assert.InRange(root.GetProperty("accuracy_teacher_forced").GetDouble(), 0.75, 1.0);
        Assert.InRange(root.GetProperty("accuracy_sampled").GetDouble(), 0.68, 1.0);
    }
}
