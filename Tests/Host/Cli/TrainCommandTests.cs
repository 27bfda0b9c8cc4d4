using System.Text.Json.Nodes;
using System.Text.Json;
using VaeCreative.Tests.Support;
using VaeCreative.Tests.Text.Training;

namespace VaeCreative.Tests.Host.Cli;

/// <summary><c>vaecreative train</c> across real processes: reproducibility and unfinished runs.</summary>
public class TrainCommandTests
{
    private static Support.Cli.Result Train(string data, string outDir, long steps, params string[] extra) =>
        Support.Cli.Run(["train", "--data", data, "--out", outDir, "--steps", steps.ToString(), "--rng", "11", "--checkpoint-every", "3", .. TrainingRuns.TinyArgs, .. extra]);

    [Fact]
    public void Size_lm_trains_a_text_language_model_that_eval_reports_with_no_kl_and_no_active_units()
    {
        using var dir = new TempDir();
        var data = TinyTextRun.Corpus();
        var model = Path.Combine(dir.Path, "lm");
        var train = Support.Cli.Run("train", "--modality", "text", "--size", "lm", "--data", data, "--out", model, "--steps", "20", "--batch", "16",
            "--decoder-hidden", "32", "--vocab-size", "300", "--max-tokens", "40", "--validate-every", "0", "--threads", "1", "--rng", "3");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("model: sentence-lm", train.Stderr);

        var eval = Support.Cli.Run("eval", "--model", model, "--data", data, "--json", "--importance-samples", "4");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var json = JsonDocument.Parse(eval.Stdout);
        var root = json.RootElement;
        Assert.Equal(0.0, root.GetProperty("kl_nats").GetDouble());
        Assert.Equal(0, root.GetProperty("active_units").GetInt32());
        Assert.Equal(1, root.GetProperty("latent_size").GetInt32());
        Assert.True(root.GetProperty("nll_nats").GetDouble() > 0);

        var vary = Support.Cli.Run("vary", "--model", model, "--text", "The red fox runs over the hill.");
        Assert.Equal(1, vary.ExitCode);
        Assert.Contains("has no latent space to vary or interpolate in; use sample", vary.Stderr);

        // A finished run that lacks its lexicon (a model trained before lexicons) gains it from its data without training.
        var lexicon = Path.Combine(model, VaeCreative.Text.Spelling.Lexicon.FileName);
        var written = File.ReadAllText(lexicon);
        var weights = TrainingRuns.WeightsSha256(model);
        File.Delete(lexicon);
        var resumed = Support.Cli.Run("train", "--out", model, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("already trained to step 20", resumed.Stderr);
        Assert.Contains("wrote lexicon.txt", resumed.Stderr);
        Assert.Equal(written, File.ReadAllText(lexicon));
        Assert.Equal(weights, TrainingRuns.WeightsSha256(model));

        // Each modality has its own presets: text's lm is not a melody size.
        var melody = Support.Cli.Run("train", "--modality", "melody", "--size", "lm", "--data", dir.Path, "--out", Path.Combine(dir.Path, "melody"));
        Assert.Equal(2, melody.ExitCode);
        Assert.Contains("error: melody models have no size 'lm'; melody sizes: default, small, flat16, hier16.", melody.Stderr);
    }

    [Fact]
    public void Help_gives_each_image_size_the_optimiser_defaults_it_trains_with()
    {
        var help = Support.Cli.Run("train", "--help");
        Assert.Equal(0, help.ExitCode);
        var text = string.Join(' ', help.Stdout.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        // The spatial sizes train at their own pace (ModelShape.Defaults); the one-code sizes at the recipe's.
        Assert.Contains("image: 5000 steps of 32, lr 0.003, β constant:0.05, free bits 0 (sizes default, small), 40000 steps of 128, lr 0.001, β constant:1, free bits 0 (sizes conv, conv-small)", text);
    }

    [Fact]
    public void The_same_rng_in_two_processes_gives_the_same_losses_and_weights()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var a = new TempDir();
        using var b = new TempDir();
        var first = Train(data.Path, a.Path, 6);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var second = Train(data.Path, b.Path, 6);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(6, TrainingRuns.Losses(a.Path).Count);
        TrainingRuns.AssertSameRun(a.Path, b.Path);
        Assert.True(File.Exists(Path.Combine(a.Path, "curves.png")), "train draws the curves beside the model");
    }

    [Fact]
    public void A_run_records_its_thread_count_and_resume_keeps_it_or_warns_when_told_another()
    {
        // Issue 23, point 1: `--resume` without --threads continued on libtorch's default (2 threads here) a run
        // trained with 1, and came out a rounding step different from the uninterrupted run.
        using var data = TrainingRuns.NottinghamSubset(6);
        using var run = new TempDir();
        Assert.Equal(0, Train(data.Path, run.Path, 3).ExitCode); // TinyArgs: --threads 1
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(Path.Combine(run.Path, "run.json")))!["threads"]!.GetValue<int>());
        var other = Support.Cli.Run("train", "--data", data.Path, "--out", run.Path, "--steps", "4", "--resume", "--threads", "2");
        Assert.True(other.ExitCode == 0, other.Stderr);
        Assert.Contains("warning: this run trained with --threads 1; continuing with 2 makes it differ", other.Stderr);
    }

    [Fact]
    public void Resume_in_a_new_process_equals_the_uninterrupted_run()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var straight = new TempDir();
        using var resumed = new TempDir();
        Assert.Equal(0, Train(data.Path, straight.Path, 6).ExitCode);
        Assert.Equal(0, Train(data.Path, resumed.Path, 3).ExitCode);
        var more = Support.Cli.Run("train", "--data", data.Path, "--out", resumed.Path, "--steps", "6", "--resume");
        Assert.True(more.ExitCode == 0, more.Stderr);
        TrainingRuns.AssertSameRun(straight.Path, resumed.Path);
    }

    [Fact]
    public void A_run_stopped_after_its_last_checkpoint_is_finished_by_resume()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var dir = new TempDir();
        Assert.Equal(0, Train(data.Path, dir.Path, 6).ExitCode);
        var weights = TrainingRuns.WeightsSha256(dir.Path);
        // What a kill during the final model write leaves: the last checkpoint, no manifest.
        File.Delete(Path.Combine(dir.Path, "manifest.json"));
        File.Delete(Path.Combine(dir.Path, "model.weights"));

        var vary = Support.Cli.Run("vary", "--model", dir.Path, "--seed", RepoPaths.SeedMelody, "--out", dir.File("v"));
        Assert.Equal(1, vary.ExitCode);
        Assert.Contains("unfinished training run", vary.Stderr);
        Assert.Contains("--resume", vary.Stderr);

        var again = Train(data.Path, dir.Path, 6);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("unfinished training run", again.Stderr);
        Assert.Contains($"vaecreative train --out {dir.Path} --resume", again.Stderr);

        var resumed = Support.Cli.Run("train", "--out", dir.Path, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(weights, TrainingRuns.WeightsSha256(dir.Path));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "manifest.json")));
        Assert.Equal(6, manifest.RootElement.GetProperty("metrics").GetProperty("trainingSteps").GetInt64());
        Assert.Equal(0, Support.Cli.Run("vary", "--model", dir.Path, "--seed", RepoPaths.SeedMelody, "--out", dir.File("v")).ExitCode);

        var finished = Support.Cli.Run("train", "--out", dir.Path, "--resume");
        Assert.Equal(0, finished.ExitCode);
        Assert.Equal(weights, TrainingRuns.WeightsSha256(dir.Path));
        Assert.Contains("already trained to step 6", finished.Stderr);
    }

    [Fact]
    public void Force_drops_the_old_model_only_once_the_new_run_can_start()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var empty = new TempDir();
        using var dir = new TempDir();
        Assert.Equal(0, Train(data.Path, dir.Path, 3).ExitCode);
        var failed = Train(empty.Path, dir.Path, 3, "--force");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("holds no .mid or .midi files", failed.Stderr);
        Assert.True(File.Exists(dir.File("manifest.json")));
        Assert.True(Directory.Exists(dir.File("checkpoint")));

        var noData = Support.Cli.Run("train", "--out", dir.Path, "--force");
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--data is required", noData.Stderr);
        Assert.True(File.Exists(dir.File("manifest.json")));

        // --force on a folder that does not exist yet is a plain first run.
        var fresh = Train(data.Path, dir.File("new"), 1, "--force");
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.True(File.Exists(dir.File("new/manifest.json")));
    }

    [Fact]
    public void Warm_start_copies_a_trained_model_is_recorded_and_does_not_mix_with_resume()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var dir = new TempDir();
        Assert.Equal(0, Train(data.Path, dir.File("source"), 3).ExitCode);
        var warm = Train(data.Path, dir.File("warm"), 1, "--warm-start", dir.File("source"));
        Assert.True(warm.ExitCode == 0, warm.Stderr);
        // Same sizes: every module is copied.
        Assert.Contains($"warm start from {dir.File("source")}: ", warm.Stderr);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("warm/manifest.json"))))
            Assert.Equal(dir.File("source"), manifest.RootElement.GetProperty("training").GetProperty("settings").GetProperty("warmStart").GetString());

        var both = Support.Cli.Run("train", "--out", dir.File("warm"), "--resume", "--steps", "2", "--warm-start", dir.File("source"));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--warm-start starts a new run", both.Stderr);

        var missing = Train(data.Path, dir.File("other"), 1, "--warm-start", dir.File("nothing-here"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"model directory '{dir.File("nothing-here")}' does not exist.", missing.Stderr);
        Assert.False(File.Exists(dir.File("other/manifest.json")));
    }

    [Fact]
    public void Leftover_temporary_files_of_a_dead_process_are_removed_by_the_next_run()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var dir = new TempDir();
        Assert.Equal(0, Train(data.Path, dir.Path, 3).ExitCode);
        var dead = Core.Checkpoints.AtomicFileTests.DeadPid();
        var guid = Guid.NewGuid().ToString("N");
        string[] leftovers =
        [
            $".model.weights.{dead}.{guid}.tmp", $".run.json.{dead}.{guid}.tmp", $".manifest.json.{dead}.{guid}.tmp",
        ];
        foreach (var name in leftovers) File.WriteAllText(dir.File(name), "half");
        Directory.CreateDirectory(dir.File($".checkpoint.{dead}.{guid}.tmp"));
        File.WriteAllText(dir.File("notes.tmp"), "not ours");
        var resumed = Support.Cli.Run("train", "--out", dir.Path, "--steps", "6", "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, ".*.tmp"));
        Assert.True(File.Exists(dir.File("notes.tmp")));
    }
}
