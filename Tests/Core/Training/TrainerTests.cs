using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Training;

public class TrainerTests
{
    [Fact]
    public void A_tiny_model_learns_on_real_melodies()
    {
        var corpus = TestMelodies.Nottingham;
        using var model = TinyModels.Melody(seed: 3);
        var before = Trainer.Evaluate(model, corpus.Validation, 128, 4, CPU);
        using var dir = new TempDir();
        var options = new TrainerOptions { Steps = 120, BatchSize = 32, LearningRate = 3e-3, Beta = new ConstantKl(0.1), CheckpointEvery = 0, ValidateEvery = 0, Seed = 3 };
        var losses = new List<double>();
        new Trainer(model, options, CPU).Train(corpus.Train, null, new CheckpointStore(dir.Path), null, false,
            new Inline<TrainingProgress>(p => losses.Add(p.Loss)));
        var after = Trainer.Evaluate(model, corpus.Validation, 128, 4, CPU);
        Assert.Equal(120, losses.Count);
        Assert.True(losses.Skip(100).Average() < losses.Take(20).Average() * 0.8,
            $"training loss should fall: first 20 steps {losses.Take(20).Average():F2}, last 20 {losses.Skip(100).Average():F2}");
        Assert.True(after.ElboNats < before.ElboNats, $"held-out ELBO should fall: {before.ElboNats:F2} → {after.ElboNats:F2}");
        Assert.True(after.AccuracyTeacherForced > before.AccuracyTeacherForced);
    }

    [Fact]
    public void Resume_continues_exactly_where_the_checkpoint_stopped()
    {
        var data = TinyModels.RandomWindows(200, seed: 9);
        var options = new TrainerOptions { Steps = 8, BatchSize = 16, CheckpointEvery = 4, ValidateEvery = 0, Seed = 5, Beta = new LinearWarmupKl(0.2, 5) };

        using var straightDir = new TempDir();
        using var straight = TinyModels.Melody(seed: 1);
        new Trainer(straight, options, CPU).Train(data, null, new CheckpointStore(straightDir.Path), null, false);

        using var resumedDir = new TempDir();
        using (var firstHalf = TinyModels.Melody(seed: 1))
            new Trainer(firstHalf, options with { Steps = 4 }, CPU).Train(data, null, new CheckpointStore(resumedDir.Path), null, false);
        Assert.Equal(4, new CheckpointStore(resumedDir.Path).LatestStep());
        using var resumed = TinyModels.Melody(seed: 99); // different init: everything must come from the checkpoint
        var result = new Trainer(resumed, options, CPU).Train(data, null, new CheckpointStore(resumedDir.Path), null, true);
        Assert.Equal(8, result.Last.Step);

        var a = straight.parameters().ToArray();
        var b = resumed.parameters().ToArray();
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
            Assert.True(a[i].allclose(b[i], 1e-5, 1e-6), $"parameter {i} differs after resume");
    }

    [Fact]
    public void A_checkpoint_at_the_final_step_trains_nothing_and_gives_that_steps_figures()
    {
        var data = TinyModels.RandomWindows(60, seed: 3);
        var options = new TrainerOptions { Steps = 4, BatchSize = 8, CheckpointEvery = 2, ValidateEvery = 0, Seed = 2 };
        using var dir = new TempDir();
        var metrics = dir.File("metrics.jsonl");
        using var model = TinyModels.Melody(seed: 1);
        var done = new Trainer(model, options, CPU).Train(data, null, new CheckpointStore(dir.Path), metrics, false);
        var lines = File.ReadAllLines(metrics);

        using var again = TinyModels.Melody(seed: 8);
        var reported = 0;
        var finished = new Trainer(again, options, CPU).Train(data, null, new CheckpointStore(dir.Path), metrics, true, new Inline<TrainingProgress>(_ => reported++));
        Assert.Equal(0, reported);
        Assert.Equal(done.Last, finished.Last);
        Assert.Equal(lines, File.ReadAllLines(metrics));
        foreach (var (p, q) in model.parameters().Zip(again.parameters())) Assert.True(p.SameAs(q));

        // A checkpoint from before state.json kept the figures: they come from the metrics log.
        File.WriteAllText(Path.Combine(dir.Path, "checkpoint", "state.json"), "{\"Step\":4,\"SavedUtc\":\"2026-11-01T00:00:00Z\"}");
        var old = new Trainer(again, options, CPU).Train(data, null, new CheckpointStore(dir.Path), metrics, true);
        Assert.Equal(done.Last.Loss, old.Last.Loss);
        Assert.Equal(4, old.Last.Step);

        var beyond = Assert.Throws<CheckpointException>(() => new Trainer(again, options with { Steps = 3 }, CPU).Train(data, null, new CheckpointStore(dir.Path), metrics, true));
        Assert.Contains("beyond --steps 3", beyond.Message);
    }

    [Fact]
    public void Resume_without_a_checkpoint_is_an_error()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody();
        var e = Assert.Throws<CheckpointException>(() =>
            new Trainer(model, new TrainerOptions { Steps = 2, BatchSize = 4 }, CPU).Train(TinyModels.RandomWindows(10, 1), null, new CheckpointStore(dir.Path), null, true));
        Assert.Contains("nothing to resume", e.Message);
    }

    [Fact]
    public void The_same_seed_trains_to_the_same_weights()
    {
        var data = TinyModels.RandomWindows(100, seed: 2);
        var options = new TrainerOptions { Steps = 5, BatchSize = 8, CheckpointEvery = 0, ValidateEvery = 0, Seed = 7 };
        using var d1 = new TempDir();
        using var d2 = new TempDir();
        using var m1 = TinyModels.Melody(4);
        using var m2 = TinyModels.Melody(4);
        new Trainer(m1, options, CPU).Train(data, null, new CheckpointStore(d1.Path), null, false);
        new Trainer(m2, options, CPU).Train(data, null, new CheckpointStore(d2.Path), null, false);
        foreach (var (p, q) in m1.parameters().Zip(m2.parameters()))
            Assert.True(p.SameAs(q));
    }

    [Fact]
    public void Metrics_are_written_as_json_lines()
    {
        using var dir = new TempDir();
        using var model = TinyModels.Melody();
        var metrics = dir.File("metrics.jsonl");
        var data = TinyModels.RandomWindows(40, 1);
        new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 8, ValidateEvery = 2, CheckpointEvery = 0 }, CPU)
            .Train(data, data, new CheckpointStore(dir.Path), metrics, false);
        var lines = File.ReadAllLines(metrics);
        Assert.Equal(6, lines.Length); // 4 steps + 2 validations
        foreach (var line in lines)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            Assert.True(doc.RootElement.TryGetProperty("step", out _));
        }
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_the_setting_named()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { BatchSize = 0 }.Validate());
        Assert.Contains("BatchSize", e.Message);
    }
}

public sealed class Inline<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
