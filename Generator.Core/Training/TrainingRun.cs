using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using VaeCreative.Core.Attributes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>
/// One training run of any modality into a model directory, shared by <c>vaecreative train</c> and the host's
/// training jobs: <see cref="LoadCorpus"/>, <see cref="Start"/> (writes run.json, builds the model through the
/// modality's recipe), <see cref="Train"/>, <see cref="Finish"/> (held-out evaluation, manifest and weights
/// written atomically).
/// </summary>
public sealed class TrainingRun : IDisposable
{
    /// <summary>The settings file written at the start of a run.</summary>
    public const string RunFile = ModelDirectory.RunFile;

    /// <summary>Per-step metrics log.</summary>
    public const string MetricsFile = "metrics.jsonl";

    private readonly TrainingPlan plan;
    private readonly Device device;
    private readonly TrainerOptions trainerOptions;

    private TrainingRun(TrainingConfig config, ITrainingRecipe recipe, TrainingCorpus corpus, string outDir, TrainingPlan plan, Device device, TrainerOptions trainerOptions)
    {
        Config = config;
        Recipe = recipe;
        Corpus = corpus;
        OutputDirectory = outDir;
        this.plan = plan;
        this.device = device;
        this.trainerOptions = trainerOptions;
    }

    /// <summary>The run's settings.</summary>
    public TrainingConfig Config { get; }

    /// <summary>The modality's recipe.</summary>
    public ITrainingRecipe Recipe { get; }

    /// <summary>The data.</summary>
    public TrainingCorpus Corpus { get; }

    /// <summary>Where the model is written.</summary>
    public string OutputDirectory { get; }

    /// <summary>The model being trained.</summary>
    public IVaeModel Model => plan.Model;

    /// <summary>Reads and splits the training data (augmented for training); throws <see cref="TrainingDataException"/> when it gives nothing to train on.</summary>
    public static TrainingCorpus LoadCorpus(TrainingConfig config, ITrainingRecipe recipe, Action<string> log)
    {
        log($"reading {config.Data} …");
        if (!Directory.Exists(config.Data) && !File.Exists(config.Data))
            throw new TrainingDataException($"the training data '{config.Data}' does not exist.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var corpus = recipe.Load(config.Data, config.ValidationFraction, augment: true, config.Settings, log);
        log(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{corpus.Summary} (read in {clock.Elapsed.TotalSeconds:F2} s)"));
        return corpus;
    }

    /// <summary>
    /// Writes run.json into <paramref name="outDir"/> and builds the initial model (seeded by the config);
    /// <paramref name="kinds"/> builds the model a warm start copies from.
    /// </summary>
    public static TrainingRun Start(TrainingConfig config, ITrainingRecipe recipe, ModelKindRegistry kinds, TrainingCorpus corpus, string outDir, int threads, Action<string> log)
    {
        var trainerOptions = config.ToTrainerOptions();
        TorchRuntime.SetThreads(threads);
        config = config with { Threads = TorchRuntime.Threads }; // what a resumed run must train with to be the same run
        Directory.CreateDirectory(outDir);
        var stale = AtomicFile.RemoveStaleTemporaries(outDir);
        if (stale > 0) log($"removed {stale} temporary file(s) left in {outDir} by an interrupted run");
        AtomicFile.WriteAllText(Path.Combine(outDir, RunFile), JsonSerializer.Serialize(config, ModelManifest.JsonOptions));
        // The recipe seeds its model from config.Seed itself (a generator of its own, or TorchRuntime.SeededBuild).
        var plan = recipe.Prepare(config, corpus, outDir, log);
        if (plan.Train.Count == 0) throw new TrainingDataException($"'{config.Data}' gives no training {recipe.ExampleNoun} (all were held out or unusable).");
        // A run that has a checkpoint continues from it, so the warm start only matters (and its source only needs to exist) before one.
        if (config.WarmStart is { } source && !new CheckpointStore(outDir).Exists)
        {
            try { log(WarmStart.Apply(plan.Model, source, config.Modality, kinds).ToString()); }
            catch { plan.Model.Dispose(); throw; }
        }
        var device = TorchRuntime.DefaultDevice;
        plan.Model.Module.to(device);
        var parameters = plan.Model.Module.parameters().Sum(x => x.numel());
        log($"model: {plan.Model.Kind}, {parameters:N0} parameters, on {device.type}; {trainerOptions.Steps} steps of {trainerOptions.BatchSize}");
        return new TrainingRun(config, recipe, corpus, outDir, plan, device, trainerOptions);
    }

    /// <summary>
    /// Trains (continuing the checkpoint in the output directory when <paramref name="resume"/>; a run stopped before
    /// its first checkpoint starts again from step 0, which the seeded initialisation makes the same run; a run whose
    /// checkpoint is at the final step trains no further and only needs <see cref="Finish"/>).
    /// </summary>
    public TrainingResult Train(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var checkpoints = new CheckpointStore(OutputDirectory);
        return new Trainer(plan.Model, trainerOptions, device).Train(plan.Train, plan.Validation, checkpoints,
            Path.Combine(OutputDirectory, MetricsFile), resume && checkpoints.Exists, progress, cancellationToken);
    }

    /// <summary>Evaluates on the held-out examples and writes the model directory; returns the metrics written to the manifest.</summary>
    public JsonObject Finish(TrainingResult result, Action<string> log)
    {
        var noun = Recipe.ExampleNoun;
        log($"evaluating on the held-out {noun} …");
        var evaluation = plan.Validation.Count > 0
            ? Trainer.Evaluate(plan.Model, plan.Validation, 256, int.MaxValue, device, sampled: true)
            : null;
        var metrics = new JsonObject
        {
            ["split"] = "validation",
            ["trainingSteps"] = result.Last.Step,
            ["trainingLoss"] = result.Last.Loss,
        };
        if (evaluation is not null)
        {
            // "windows" is the key melody models have always written; other modalities name their examples.
            metrics[noun] = evaluation.Examples;
            metrics["accuracyTeacherForced"] = evaluation.AccuracyTeacherForced;
            metrics["accuracySampled"] = evaluation.AccuracySampled;
            metrics["elboNats"] = evaluation.ElboNats;
            metrics["reconstructionNats"] = evaluation.ReconstructionNats;
            metrics["klNats"] = evaluation.KlNats;
        }
        var manifest = new ModelManifest
        {
            Modality = Config.Modality,
            ModelKind = plan.Model.Kind,
            Model = ModelManifest.ToJsonObject(plan.Model.Options),
            Encoding = plan.Encoding,
            Training = new JsonObject
            {
                ["settings"] = JsonSerializer.SerializeToNode(Config, ModelManifest.JsonOptions),
                ["data"] = (plan.Corpus ?? Corpus).Describe(),
                ["elapsedSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
                ["examplesPerSecond"] = Math.Round(result.Last.ExamplesPerSecond, 1),
            },
            Metrics = metrics,
            Versions = new Dictionary<string, string>(),
            WeightsSha256 = "",
        };
        ModelDirectory.Save(OutputDirectory, plan.Model, manifest);
        ComputeAttributes(log);
        log(evaluation is null
            ? $"model written to {OutputDirectory}"
            : $"model written to {OutputDirectory}: held-out "
              + (evaluation.AccuracyTeacherForced is { } accuracy
                  ? FormattableString.Invariant($"accuracy {accuracy:F3} teacher-forced, {evaluation.AccuracySampled:F3} sampled; ")
                  : "")
              + FormattableString.Invariant($"ELBO {evaluation.ElboNats:F2} nats, KL {evaluation.KlNats:F2} nats"));
        return metrics;
    }

    /// <summary>
    /// Writes the attribute vectors (<see cref="AttributeDirections.FileName"/>) of a modality that measures attributes,
    /// from the training examples; like the curves, a failure is a warning.
    /// </summary>
    private void ComputeAttributes(Action<string> log)
    {
        if (Recipe.AttributeMeasures is not { } measures || plan.Train.Count < 8) return;
        try
        {
            plan.Model.Module.eval();
            using var engine = new VariationEngine(plan.Model, device, meanCacheCapacity: 0);
            var directions = AttributeDirections.Compute(engine, plan.Train, measures);
            directions.Save(OutputDirectory);
            log($"attribute vectors ({directions.Names}) written to {Path.Combine(OutputDirectory, AttributeDirections.FileName)}");
        }
        catch (Exception e) when (e is not OutOfMemoryException) { log($"warning: could not compute {AttributeDirections.FileName}: {e.Message}"); }
    }

    /// <inheritdoc />
    public void Dispose() => plan.Model.Dispose();
}
