using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Host.Cli;

/// <summary>
/// Kills real <c>vaecreative train</c> processes (SIGKILL, through the <see cref="CrashPoint"/> hook) inside every
/// write window and at seeded random points, resumes them in new processes, and checks after every kill that
/// nothing is corrupted, at most one checkpoint interval is lost, and the run finishes with the uninterrupted
/// run's exact losses and weights. A longer campaign with kills at random times: bench/killtest.sh.
/// </summary>
public class TrainCommandKillTests(ITestOutputHelper output)
{
    private const int Steps = 4;
    private const int Interval = 2;
    private const int Killed = 137; // 128 + SIGKILL

    private static readonly SequenceVaeOptions Tiny = MelodyModality.DefaultModelOptions with
    {
        EncoderHidden = 16, DecoderHidden = 16, DecoderLayers = 1, LatentSize = 4,
    };

    private static Support.Cli.Result Train(string data, string outDir, string? killAt)
    {
        var resume = File.Exists(Path.Combine(outDir, ModelDirectory.RunFile));
        string[] args = resume
            ? ["train", "--out", outDir, "--resume"]
            : ["train", "--data", data, "--out", outDir, "--steps", $"{Steps}", "--rng", "5", "--checkpoint-every", $"{Interval}", "--validation-fraction", "0.3", .. TrainingRuns.TinyArgs];
        var environment = killAt is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [CrashPoint.Variable] = killAt };
        return Support.Cli.Run(environment, args);
    }

    [Fact]
    public void Killed_in_every_write_window_and_at_random_points_training_always_finishes_as_if_never_killed()
    {
        using var data = TrainingRuns.NottinghamSubset(6);
        using var reference = new TempDir();
        var straight = Train(data.Path, reference.Path, null);
        Assert.True(straight.ExitCode == 0, straight.Stderr);
        var expectedLosses = TrainingRuns.Losses(reference.Path);
        var expectedWeights = TrainingRuns.WeightsSha256(reference.Path);

        // Every site in the order one run meets it (a resumed run starts again at its checkpoint).
        string[] everyWindow =
        [
            "run.json:written", "run.json:renamed", "step:1", "checkpoint:written", "checkpoint:swapped",
            "metrics.jsonl:written", "metrics.jsonl:renamed", "step:2", "checkpoint:kept-previous", "checkpoint:swapped",
            "model.weights:written", "model.weights:renamed", "manifest.json:written", "manifest.json:renamed",
        ];
        using (var dir = new TempDir())
        {
            foreach (var site in everyWindow)
            {
                var run = Train(data.Path, dir.Path, site);
                Assert.True(run.ExitCode == Killed, $"{site}: expected the process to be killed there, got exit {run.ExitCode}: {run.Stderr}");
                AssertConsistent(dir.Path, site);
            }
            FinishAndCompare(data.Path, dir.Path, expectedLosses, expectedWeights);
        }

        // Seeded random kill points (site, and which of its hits in one process), several per run, until a run
        // gets through; then the next run starts.
        (string Site, int MaxHits)[] sites =
        [
            ("run.json:written", 1), ("run.json:renamed", 1), ("step", Steps), ("checkpoint:written", Steps / Interval),
            ("checkpoint:kept-previous", 1), ("checkpoint:swapped", Steps / Interval), ("metrics.jsonl:written", 1),
            ("metrics.jsonl:renamed", 1), ("model.weights:written", 1), ("model.weights:renamed", 1), ("manifest.json:written", 1),
        ];
        var random = new Random(20261125);
        var kills = 0;
        for (var run = 0; kills < 8 && run < 16; run++)
        {
            using var dir = new TempDir();
            while (kills < 8)
            {
                var (name, maxHits) = sites[random.Next(sites.Length)];
                var site = $"{name}:{random.Next(1, maxHits + 1)}";
                var result = Train(data.Path, dir.Path, site);
                output.WriteLine($"run {run}: kill at {site}: exit {result.ExitCode}");
                if (result.ExitCode == 0) break; // the site was not reached: the run finished
                Assert.True(result.ExitCode == Killed, $"{site}: exit {result.ExitCode}: {result.Stderr}");
                kills++;
                AssertConsistent(dir.Path, site);
            }
            FinishAndCompare(data.Path, dir.Path, expectedLosses, expectedWeights);
        }
        Assert.Equal(8, kills);
    }

    /// <summary>Whatever exists loads, and the checkpoint is at most one interval behind the steps logged.</summary>
    private static void AssertConsistent(string dir, string site)
    {
        var checkpointStep = 0L;
        foreach (var folder in new[] { "checkpoint", "checkpoint.previous" })
        {
            if (!Directory.Exists(Path.Combine(dir, folder))) continue;
            using var copy = new TempDir();
            CopyDirectory(Path.Combine(dir, folder), Path.Combine(copy.Path, "checkpoint"));
            using var model = new SequenceVae(Tiny);
            var optimizer = new AdamOptimizer(model.parameters(), 1e-3);
            var state = new CheckpointStore(copy.Path).Restore(model, optimizer);
            Assert.True(state is not null, $"{site}: {folder}/ exists but holds no complete checkpoint");
            checkpointStep = Math.Max(checkpointStep, state.Step);
        }
        if (File.Exists(Path.Combine(dir, ModelDirectory.ManifestFile)))
        {
            var (model, _) = ModelDirectory.Load(dir, CPU, TestModelKinds.All, expectedModality: MelodyModality.ModalityName);
            model.Dispose();
        }
        var logged = File.Exists(Path.Combine(dir, "metrics.jsonl")) ? TrainingRuns.Losses(dir).Select(l => l.Step).DefaultIfEmpty(0).Max() : 0;
        Assert.True(logged - checkpointStep <= Interval, $"{site}: {logged} steps logged but the checkpoint is at step {checkpointStep}");
    }

    private static void FinishAndCompare(string data, string dir, IReadOnlyList<(long, double)> losses, string weights)
    {
        var final = Train(data, dir, null);
        Assert.True(final.ExitCode == 0, final.Stderr);
        Assert.Equal(losses, TrainingRuns.Losses(dir));
        Assert.Equal(weights, TrainingRuns.WeightsSha256(dir));
        var (model, manifest) = ModelDirectory.Load(dir, CPU, TestModelKinds.All, expectedModality: MelodyModality.ModalityName);
        model.Dispose();
        Assert.Equal(Steps, manifest.Metrics!["trainingSteps"]!.GetValue<long>());
        Assert.Empty(Directory.GetFileSystemEntries(dir, ".*.tmp"));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
