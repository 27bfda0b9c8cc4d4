using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// One melody training run into a model directory, shared by <c>vaecreative train</c> and the host's training jobs:
/// <see cref="Start"/> (writes run.json, builds the model), <see cref="Train"/>, <see cref="Finish"/> (held-out
/// evaluation, manifest and weights written atomically).
/// </summary>
public sealed class MelodyTrainingRun : IDisposable
{
    /// <summary>The settings file written at the start of a run.</summary>
    public const string RunFile = ModelDirectory.RunFile;

    /// <summary>Per-step metrics log.</summary>
    public const string MetricsFile = "metrics.jsonl";

    private readonly SequenceVae model;
    private readonly Device device;
    private readonly TrainerOptions trainerOptions;

    private MelodyTrainingRun(MelodyTrainingConfig config, MelodyCorpus corpus, string outDir, SequenceVae model, Device device, TrainerOptions trainerOptions)
    {
        Config = config;
        Corpus = corpus;
        OutputDirectory = outDir;
        this.model = model;
        this.device = device;
        this.trainerOptions = trainerOptions;
    }

    /// <summary>The run's settings.</summary>
    public MelodyTrainingConfig Config { get; }

    /// <summary>The data.</summary>
    public MelodyCorpus Corpus { get; }

    /// <summary>Where the model is written.</summary>
    public string OutputDirectory { get; }

    /// <summary>Reads and splits the training folder; throws <see cref="TrainingDataException"/> when it gives nothing to train on.</summary>
    public static MelodyCorpus LoadCorpus(MelodyTrainingConfig config, Action<string> log)
    {
        log($"reading {config.Data} …");
        if (!Directory.Exists(config.Data)) throw new TrainingDataException($"the training folder '{config.Data}' does not exist.");
        var corpus = MelodyCorpus.Load(config.Data, config.ValidationFraction);
        if (corpus.Files.Count == 0)
            throw new TrainingDataException(corpus.Failures.Count > 0
                ? $"none of the {corpus.Failures.Count} MIDI files in '{config.Data}' has a usable melody (first: {corpus.Failures[0].Message})."
                : $"'{config.Data}' holds no .mid or .midi files.");
        if (corpus.Train.Count == 0) throw new TrainingDataException($"'{config.Data}' gives no training windows (all files were held out or too short).");
        foreach (var folder in corpus.SkippedFolders.Take(5)) log($"skipped the folder {folder} (it cannot be read)");
        if (corpus.SkippedFolders.Count > 5) log($"… and {corpus.SkippedFolders.Count - 5} more folders skipped");
        foreach (var failure in corpus.Failures.Take(5)) log($"skipped {failure.Message}");
        if (corpus.Failures.Count > 5) log($"… and {corpus.Failures.Count - 5} more files skipped");
        log($"{corpus.Files.Count} files: {corpus.Train.Count} training windows, {corpus.Validation.Count} validation windows " +
            $"({corpus.Files.Count(f => f.Validation)} files held out)");
        return corpus;
    }

    /// <summary>Writes run.json into <paramref name="outDir"/> and builds the initial model (seeded by the config).</summary>
    public static MelodyTrainingRun Start(MelodyTrainingConfig config, MelodyCorpus corpus, string outDir, int threads, Action<string> log)
    {
        var trainerOptions = config.ToTrainerOptions();
        config.Model.Validate();
        TorchRuntime.SetThreads(threads);
        Directory.CreateDirectory(outDir);
        var stale = AtomicFile.RemoveStaleTemporaries(outDir);
        if (stale > 0) log($"removed {stale} temporary file(s) left in {outDir} by an interrupted run");
        AtomicFile.WriteAllText(Path.Combine(outDir, RunFile), JsonSerializer.Serialize(config, ModelManifest.JsonOptions));
        manual_seed(config.Seed);
        var model = new SequenceVae(config.Model);
        var device = TorchRuntime.DefaultDevice;
        model.to(device);
        var parameters = model.parameters().Sum(x => x.numel());
        log($"model: sequence-vae, {parameters:N0} parameters, on {device.type}; {trainerOptions.Steps} steps of {trainerOptions.BatchSize}");
        return new MelodyTrainingRun(config, corpus, outDir, model, device, trainerOptions);
    }

    /// <summary>
    /// Trains (continuing the checkpoint in the output directory when <paramref name="resume"/>; a run stopped before
    /// its first checkpoint starts again from step 0, which the seeded initialisation makes the same run; a run whose
    /// checkpoint is at the final step trains no further and only needs <see cref="Finish"/>).
    /// </summary>
    public TrainingResult Train(bool resume, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var checkpoints = new CheckpointStore(OutputDirectory);
        return new Trainer(model, trainerOptions, device).Train(Corpus.Train, Corpus.Validation, checkpoints,
            Path.Combine(OutputDirectory, MetricsFile), resume && checkpoints.Exists, progress, cancellationToken);
    }

    /// <summary>Evaluates on the held-out windows and writes the model directory; returns the metrics written to the manifest.</summary>
    public JsonObject Finish(TrainingResult result, Action<string> log)
    {
        var config = Config;
        var corpus = Corpus;
        var outDir = OutputDirectory;
        log("evaluating on the held-out files …");
        var evaluation = corpus.Validation.Count > 0
            ? Trainer.Evaluate(model, corpus.Validation, 256, int.MaxValue, device, sampled: true)
            : null;
        var metrics = new JsonObject
        {
            ["split"] = "validation",
            ["trainingSteps"] = result.Last.Step,
            ["trainingLoss"] = result.Last.Loss,
        };
        if (evaluation is not null)
        {
            metrics["windows"] = evaluation.Examples;
            metrics["accuracyTeacherForced"] = evaluation.AccuracyTeacherForced;
            metrics["accuracySampled"] = evaluation.AccuracySampled;
            metrics["elboNats"] = evaluation.ElboNats;
            metrics["reconstructionNats"] = evaluation.ReconstructionNats;
            metrics["klNats"] = evaluation.KlNats;
        }
        var manifest = new ModelManifest
        {
            Modality = config.Modality,
            ModelKind = model.Kind,
            Model = ModelManifest.ToJsonObject(config.Model),
            Encoding = MelodyModality.EncodingJson(),
            Training = new JsonObject
            {
                ["settings"] = JsonSerializer.SerializeToNode(config, ModelManifest.JsonOptions),
                ["data"] = new JsonObject
                {
                    ["folder"] = config.Data,
                    ["files"] = corpus.Files.Count,
                    ["skippedFiles"] = corpus.Failures.Count,
                    ["trainWindows"] = corpus.Train.Count,
                    ["validationWindows"] = corpus.Validation.Count,
                    ["validationFiles"] = new JsonArray(corpus.Files.Where(f => f.Validation).Select(f => (JsonNode)Path.GetRelativePath(config.Data, f.Path)).ToArray()),
                    ["augmentation"] = "uniform transposition within ±5 semitones",
                },
                ["elapsedSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 1),
                ["examplesPerSecond"] = Math.Round(result.Last.ExamplesPerSecond, 1),
            },
            Metrics = metrics,
            Versions = new Dictionary<string, string>(),
            WeightsSha256 = "",
        };
        ModelDirectory.Save(outDir, model, manifest);
        log(evaluation is null
            ? $"model written to {outDir}"
            : string.Create(CultureInfo.InvariantCulture,
                $"model written to {outDir}: held-out accuracy {evaluation.AccuracyTeacherForced:F3} teacher-forced, {evaluation.AccuracySampled:F3} sampled; ELBO {evaluation.ElboNats:F2} nats, KL {evaluation.KlNats:F2} nats"));
        return metrics;
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
