using System.Text.Json;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary>End-to-end checks of the vaecreative command line, in a child process, with the bundled model.</summary>
public class CliTests
{
    [Fact]
    public void Vary_writes_n_distinct_valid_files_none_identical_to_the_seed()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "--count", "8", "--out", dir.Path, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(8, outputs.Count);
        var seed = MidiMelodyReader.Read(RepoPaths.SeedMelody);
        var melodies = outputs.Select(p => MidiMelodyReader.Read(p)).ToList();
        Assert.All(melodies, m =>
        {
            Assert.Equal(seed.Steps, m.Steps);
            Assert.True(m.NoteCount > 0);
            Assert.NotEqual(seed.Tokens, m.Tokens);
        });
        Assert.Equal(8, melodies.Select(m => string.Join(',', m.Tokens)).Distinct().Count());
        Assert.Equal(seed.TempoQpm, melodies[0].TempoQpm, 1);
        var mido = Support.Cli.MidoCheck(outputs);
        if (mido is null) Assert.False(Support.Cli.InCi, "python3-mido must be installed in CI (scripts/setup.sh --test-tools)");
        else Assert.Equal(8, mido.Trim().Split('\n').Length);
    }

    [Fact]
    public void Bfloat16_inference_writes_valid_variations_and_keeps_eval_accuracy()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "3", "--precision", "bf16", "--out", dir.Path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.All(Directory.GetFiles(dir.Path, "*.mid"), f => Assert.True(MidiMelodyReader.Read(f).NoteCount > 0));
        Assert.Equal(3, Directory.GetFiles(dir.Path, "*.mid").Length);

        using var data = new TempDir();
        foreach (var f in Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order().Take(3))
            File.Copy(f, Path.Combine(data.Path, Path.GetFileName(f)));
        double Sampled(string precision)
        {
            var eval = Support.Cli.Run("eval", "--data", data.Path, "--json", "--precision", precision, "--importance-samples", "0");
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            using var json = JsonDocument.Parse(eval.Stdout);
            return json.RootElement.GetProperty("accuracy_sampled").GetDouble();
        }
        Assert.InRange(Sampled("bf16") - Sampled("fp32"), -0.02, 0.02);
        Assert.Equal(2, Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "--precision", "fp8", "--out", dir.Path).ExitCode);
    }

    [Fact]
    public void The_same_rng_writes_the_same_files()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        Assert.Equal(0, Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "3", "--rng", "7", "--out", a.Path).ExitCode);
        Assert.Equal(0, Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "3", "--rng", "7", "--out", b.Path).ExitCode);
        foreach (var name in Directory.GetFiles(a.Path).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, name!)), File.ReadAllBytes(Path.Combine(b.Path, name!)));
    }

    [Fact]
    public void A_non_midi_seed_gives_one_line_on_stderr_and_a_non_zero_exit()
    {
        using var dir = new TempDir();
        var seed = dir.File("notes.mid");
        File.WriteAllText(seed, "these are not MIDI bytes");
        var result = Support.Cli.Run("vary", "--seed", seed, "--out", dir.File("out"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {seed}: not a MIDI file (no MThd header)", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Existing_outputs_are_not_overwritten_without_force()
    {
        using var dir = new TempDir();
        var mine = Path.Combine(dir.Path, "seed-melody-var01.mid");
        File.WriteAllText(mine, "my own work");
        var refused = Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "2", "--out", dir.Path);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal("my own work", File.ReadAllText(mine));
        Assert.Equal(0, Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "2", "--out", dir.Path, "--force").ExitCode);
        Assert.NotEqual("my own work", File.ReadAllText(mine));
    }

    [Fact]
    public void A_folder_that_is_not_a_model_is_named_in_the_error()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "--model", dir.Path, "--out", dir.File("o"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: '{dir.Path}' is not a model directory: it has no manifest.json.", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Bad_option_values_exit_with_a_usage_error()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "--similarity", "3", "--out", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("similarity must be between 0 and 1", Assert.Single(result.StderrLines));
        Assert.Equal(2, Support.Cli.Run("train", "--modality", "speech", "--data", dir.Path, "--out", dir.File("m")).ExitCode);
    }

    [Fact]
    public void Interpolate_and_sample_write_files()
    {
        using var dir = new TempDir();
        var other = dir.File("other.mid");
        Assert.Equal(0, Support.Cli.Run("vary", "--seed", RepoPaths.SeedMelody, "-n", "1", "--out", dir.Path).ExitCode);
        File.Move(dir.File("seed-melody-var01.mid"), other);
        var interpolation = Support.Cli.Run("interpolate", "--from", RepoPaths.SeedMelody, "--to", other, "--steps", "4", "--out", dir.File("i"), "--json");
        Assert.True(interpolation.ExitCode == 0, interpolation.Stderr);
        Assert.Equal(4, Directory.GetFiles(dir.File("i"), "*.mid").Length);
        var sample = Support.Cli.Run("sample", "--count", "3", "--out", dir.File("s"));
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        var files = Directory.GetFiles(dir.File("s"), "*.mid");
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.Equal(32, MidiMelodyReader.Read(f).Steps));
    }

    [Fact]
    public void Demo_writes_the_seed_and_eight_variations()
    {
        using var dir = new TempDir();
        var result = Support.Cli.Run("demo", "--out", dir.Path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(9, Directory.GetFiles(Path.Combine(dir.Path, "melody"), "*.mid").Length);
        Assert.Contains(dir.Path, result.Stdout);
    }

    [Fact]
    public void Eval_prints_the_figures_as_json()
    {
        using var data = new TempDir();
        foreach (var f in Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order().Take(3))
            File.Copy(f, Path.Combine(data.Path, Path.GetFileName(f)));
        var result = Support.Cli.Run("eval", "--data", data.Path, "--json", "--importance-samples", "8", "--max-examples", "20");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("windows").GetInt64());
        foreach (var key in new[] { "accuracy_teacher_forced", "accuracy_sampled", "reconstruction_token_accuracy" })
            Assert.InRange(root.GetProperty(key).GetDouble(), 0.0, 1.0);
        Assert.True(root.GetProperty("elbo_nats").GetDouble() > 0);
        Assert.True(root.GetProperty("kl_nats").GetDouble() >= 0);
        // Perplexity is per predicted token (elbo_nats reconstructs at z = μ, so it is no bound to compare the NLL with).
        Assert.True(root.GetProperty("nll_nats").GetDouble() > 0);
        Assert.Equal(20 * 32, root.GetProperty("tokens").GetInt64());
        Assert.Equal(Math.Exp(root.GetProperty("nll_nats").GetDouble() * 20 / (20 * 32)), root.GetProperty("perplexity").GetDouble(), 6);
        Assert.InRange(root.GetProperty("active_units").GetInt32(), 0, root.GetProperty("latent_size").GetInt32());
        Assert.True(root.GetProperty("mutual_information_nats").GetDouble() <= Math.Log(20) + 0.5);
    }

    [Fact]
    public void Train_then_resume_continues_to_the_new_step_count()
    {
        using var data = new TempDir();
        foreach (var f in Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order().Take(12))
            File.Copy(f, Path.Combine(data.Path, Path.GetFileName(f)));
        using var model = new TempDir();
        string[] tiny = ["--encoder-hidden", "16", "--decoder-hidden", "16", "--decoder-layers", "1", "--latent", "4", "--batch", "8", "--checkpoint-every", "2", "--validate-every", "0"];
        var first = Support.Cli.Run(["train", "--data", data.Path, "--out", model.Path, "--steps", "4", "--force", .. tiny]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(File.Exists(Path.Combine(model.Path, "manifest.json")));

        var again = Support.Cli.Run(["train", "--data", data.Path, "--out", model.Path, "--steps", "4", .. tiny]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);

        var resumed = Support.Cli.Run("train", "--data", data.Path, "--out", model.Path, "--steps", "6", "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var steps = File.ReadAllLines(Path.Combine(model.Path, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => !e.TryGetProperty("split", out _))
            .Select(e => e.GetProperty("step").GetInt64())
            .ToList();
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, steps);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(model.Path, "manifest.json")));
        Assert.Equal(6, manifest.RootElement.GetProperty("metrics").GetProperty("trainingSteps").GetInt64());
        Assert.Equal(16, manifest.RootElement.GetProperty("model").GetProperty("encoderHidden").GetInt32());
    }
}
