using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Host.Training;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative train</c>: trains a model of any registered modality from its data into a model directory.</summary>
public static class TrainCommand
{
    private const string RunFile = TrainingRun.RunFile;

    /// <summary>Builds the command; optimiser defaults come from the modality's recipe (shown in the help of each modality).</summary>
    public static Command Create(IServiceProvider services)
    {
        var registry = services.GetRequiredService<ModalityRegistry>();
        var first = registry.All[0];
        var modality = new Option<string>("--modality") { Description = $"What to train on: {registry.Names}.", DefaultValueFactory = _ => first.Name };
        modality.AcceptOnlyFromAmong(registry.All.Select(m => m.Name).ToArray());
        var data = new Option<string>("--data") { Description = "Training data: a folder (searched recursively) or, for text, a file; required unless --resume." };
        var output = new Option<string>("--out") { Description = "Model directory to write (weights, manifest.json, metrics.jsonl, checkpoint/).", Required = true };
        var defaults = string.Join("; ", registry.All.Select(m => $"{m.Name}: {DescribeDefaults(m.Training)}"));
        var steps = new Option<long?>("--steps") { Description = "Optimiser steps (default: the modality's)." };
        var batch = new Option<int?>("--batch") { Description = "Examples per step (default: the modality's)." };
        var rng = new Option<long>("--rng") { Description = "Seed for initialisation, data order, augmentation and sampling.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue (or finish) the run in --out with its saved settings." };
        var force = new Option<bool>("--force") { Description = "Overwrite a model already in --out." };
        var lr = new Option<double?>("--lr") { Description = "Initial learning rate (Adam; default: the modality's)." };
        var lrDecay = new Option<double?>("--lr-decay") { Description = "Per-step learning-rate decay factor (default: the modality's)." };
        var beta = new Option<string?>("--beta") { Description = "β schedule: constant:B, linear:B:WARMUP or cyclical:B:PERIOD (default: the modality's)." };
        var freeBits = new Option<double?>("--free-bits") { Description = "KL budget per example (bits) not penalised (default: the modality's)." };
        var sampling = new Option<double?>("--scheduled-sampling") { Description = "Probability of feeding the decoder its own sample instead of the true token (default: the modality's)." };
        var checkpointEvery = new Option<long?>("--checkpoint-every") { Description = "Steps between resumable checkpoints, and one at the last step (0: none; default: the modality's)." };
        var validateEvery = new Option<long?>("--validate-every") { Description = "Steps between validation runs (0: only at the end; default: the modality's)." };
        var validationFraction = new Option<double>("--validation-fraction") { Description = "Fraction of the data held out for validation (by a stable hash).", DefaultValueFactory = _ => 0.1 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: libtorch's default, the machine's cores). Results depend on it; --resume keeps the run's own unless given.", DefaultValueFactory = _ => 0 };
        // Presets are the modalities' own (ITrainingRecipe.Sizes): the option takes any of them, the action checks the modality's.
        var sizesByModality = string.Join("; ", registry.All.Select(m => $"{m.Name}: {string.Join(", ", m.Training.Sizes)}"));
        var size = new Option<string>("--size")
        {
            Description = $"Model shape preset: default (the bundled model's), small (quick trials) or one of the modality's own ({sizesByModality}).",
            DefaultValueFactory = _ => "default",
        };
        size.AcceptOnlyFromAmong(registry.All.SelectMany(m => m.Training.Sizes).Distinct(StringComparer.Ordinal).ToArray());
        var encoderHidden = new Option<int?>("--encoder-hidden") { Description = "Encoder units per direction (default: the preset's)." };
        var decoderHidden = new Option<int?>("--decoder-hidden") { Description = "Decoder units per layer (default: the preset's)." };
        var decoderLayers = new Option<int?>("--decoder-layers") { Description = "Decoder layers (default: the preset's)." };
        var latent = new Option<int?>("--latent") { Description = "Size of z; for spatial image models, the latent's channels (default: the preset's)." };
        var json = new Option<bool>("--json") { Description = "Print the final figures as one JSON object on stdout." };
        var warmStart = new Option<string?>("--warm-start")
        {
            Description = "A trained model (bundled id or directory) of the same modality to start from: every module whose parameters all match in name and shape is copied, the rest start from the seeded initialisation.",
        };

        var command = new Command("train", $"Train a VAE on a folder of files. Optimiser defaults — {defaults}.")
        {
            modality, data, output, steps, batch, rng, resume, force, lr, lrDecay, beta, freeBits, sampling,
            checkpointEvery, validateEvery, validationFraction, threads, size, encoderHidden, decoderHidden, decoderLayers, latent, json, warmStart,
        };
        var extra = ModalityOptions.Add(command, registry, ModalityCommands.Train);
        command.SetAction(p =>
        {
            var chosen = registry.Get(p.GetValue(modality)!);
            var recipe = chosen.Training;
            var outDir = Path.GetFullPath(p.GetValue(output)!);
            var runPath = Path.Combine(outDir, RunFile);
            var stale = AtomicFile.RemoveStaleTemporaries(outDir);
            if (stale > 0) Terminal.Error.Line($"removed {stale} temporary file(s) left in {outDir} by an interrupted run");
            TrainingConfig config;
            if (p.GetValue(resume))
            {
                if (!File.Exists(runPath))
                    throw new CliException($"nothing to resume in '{outDir}': it has no {RunFile} from an earlier train run.");
                config = JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(runPath), ModelManifest.JsonOptions)
                         ?? throw new CliException($"{runPath} is empty.");
                chosen = registry.Get(config.Modality);
                recipe = chosen.Training;
                if (p.GetValue(steps) is { } more) config = config with { Steps = more };
                if (p.GetValue(data) is { } resumeData && Path.GetFullPath(resumeData) != config.Data)
                    throw new CliException($"--resume must train on the same data as the run in '{outDir}' ({config.Data}).", 2);
                if (p.GetValue(warmStart) is not null)
                    throw new CliException("--warm-start starts a new run; --resume continues the run in --out from its checkpoint (and its own warm start, if it had one).", 2);
                if (FinishedStep(outDir) is { } finished && finished >= config.Steps)
                {
                    // Nothing left to do is success, so `train --resume` can be repeated until it succeeds.
                    Terminal.Error.Line($"the model in '{outDir}' is already trained to step {finished}; raise --steps to train further.");
                    WriteDataFiles(recipe, config, outDir);
                    if (p.GetValue(json)) Console.Out.WriteLine(ModelDirectory.ReadManifest(outDir).Metrics?.ToJsonString() ?? "{}");
                    return 0;
                }
            }
            else
            {
                if (p.GetValue(data) is null)
                    throw new CliException("--data is required (except with --resume, which reuses the run's data).", 2);
                if (!p.GetValue(force))
                {
                    if (File.Exists(Path.Combine(outDir, ModelDirectory.ManifestFile)))
                        throw new CliException($"'{outDir}' already holds a model; pass --resume with a higher --steps to train it further, or --force to start over.");
                    if (ModelDirectory.HoldsTrainingRun(outDir))
                        throw new CliException($"{ModelDirectory.UnfinishedRunHint(outDir)} Or pass --force to start over.");
                }
                if (p.GetValue(beta) is { } schedule) KlSchedule.Parse(schedule);
                var sizeName = p.GetValue(size)!;
                if (!recipe.Sizes.Contains(sizeName, StringComparer.Ordinal))
                    throw new CliException($"{chosen.Name} models have no size '{sizeName}'; {chosen.Name} sizes: {string.Join(", ", recipe.Sizes)}.", 2);
                var shape = recipe.Shape(sizeName);
                var model = (JsonObject)shape.Settings.DeepClone();
                void Set(string key, int? value) { if (value is { } v) model[key] = v; }
                Set("encoderHidden", p.GetValue(encoderHidden));
                Set("decoderHidden", p.GetValue(decoderHidden));
                Set("decoderLayers", p.GetValue(decoderLayers));
                Set("latentSize", p.GetValue(latent));
                var d = TrainingConfig.From(chosen.Name, shape with { Settings = model }, shape.Defaults ?? recipe.Defaults);
                config = d with
                {
                    Data = Path.GetFullPath(p.GetValue(data)!),
                    ValidationFraction = p.GetValue(validationFraction),
                    Settings = extra.Values(p, chosen, $"--modality {chosen.Name}") is { Count: > 0 } given
                        ? new JsonObject(given.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)))
                        : null,
                    Steps = p.GetValue(steps) ?? d.Steps,
                    BatchSize = p.GetValue(batch) ?? d.BatchSize,
                    Seed = p.GetValue(rng),
                    LearningRate = p.GetValue(lr) ?? d.LearningRate,
                    LearningRateDecay = p.GetValue(lrDecay) ?? d.LearningRateDecay,
                    Beta = p.GetValue(beta) ?? d.Beta,
                    FreeBits = p.GetValue(freeBits) ?? d.FreeBits,
                    ScheduledSamplingRate = p.GetValue(sampling) ?? d.ScheduledSamplingRate,
                    CheckpointEvery = p.GetValue(checkpointEvery) ?? d.CheckpointEvery,
                    ValidateEvery = p.GetValue(validateEvery) ?? d.ValidateEvery,
                    WarmStart = p.GetValue(warmStart) is { } source ? services.GetRequiredService<ModelStore>().Resolve(source) : null,
                };
            }
            if (config.ValidationFraction is < 0 or >= 1)
                throw new CliException("--validation-fraction must be at least 0 and below 1.", 2);
            try { config.ToTrainerOptions(); }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException(e.Message.Split('\n')[0].Replace(" (Parameter", " (option", StringComparison.Ordinal), 2);
            }
            var threadCount = p.GetValue(threads);
            if (p.GetValue(resume) && config.Threads > 0)
            {
                // The run's own count keeps a resumed run equal to an uninterrupted one; another one is the user's call.
                if (p.GetResult(threads) is not { Implicit: false }) threadCount = config.Threads;
                else if (threadCount != config.Threads)
                    Terminal.Error.Line($"warning: this run trained with --threads {config.Threads}; continuing with {(threadCount == 0 ? "libtorch's default" : threadCount.ToString(System.Globalization.CultureInfo.InvariantCulture))} makes it differ in the last bits from the run it would have been.");
            }
            return Run(config, recipe, services.GetRequiredService<ModelKindRegistry>(), outDir, p.GetValue(resume), p.GetValue(force) && !p.GetValue(resume), threadCount, p.GetValue(json));
        });
        return command;
    }

    /// <summary>
    /// A recipe's optimiser defaults by size: a size whose shape brings its own (<see cref="ModelShape.Defaults"/>) differs
    /// from the recipe's, and the help must say which sizes train at which pace.
    /// </summary>
    private static string DescribeDefaults(ITrainingRecipe recipe)
    {
        var groups = recipe.Sizes
            .GroupBy(size => Describe(recipe.Shape(size).Defaults ?? recipe.Defaults), StringComparer.Ordinal)
            .ToList();
        return groups.Count == 1
            ? groups[0].Key
            : string.Join(", ", groups.Select(g => $"{g.Key} (sizes {string.Join(", ", g)})"));
    }

    private static string Describe(TrainerOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{o.Steps} steps of {o.BatchSize}, lr {o.LearningRate}, β {o.Beta}, free bits {o.FreeBits}");

    /// <summary>
    /// The step of the finished model in <paramref name="outDir"/>: its manifest is valid, its weights match, and it
    /// was written from the latest checkpoint (a newer checkpoint means a later run did not finish); otherwise null.
    /// </summary>
    private static long? FinishedStep(string outDir)
    {
        ModelManifest manifest;
        try { manifest = ModelDirectory.ReadManifest(outDir); }
        catch (ModelLoadException) { return null; }
        var weights = Path.Combine(outDir, manifest.WeightsFile);
        if (!File.Exists(weights) || !string.Equals(ModelDirectory.Sha256(weights), manifest.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            return null;
        var trained = manifest.Metrics?["trainingSteps"]?.GetValue<long>();
        var checkpoint = new CheckpointStore(outDir).LatestStep();
        return trained is { } t && (checkpoint is null || checkpoint == t) ? t : null;
    }

    /// <summary>
    /// Writes the data files of a finished run's model (<see cref="ITrainingRecipe.WriteDataFiles"/>) from its data, so
    /// a model trained before one existed gains it; the data must still be where the run read it.
    /// </summary>
    private static void WriteDataFiles(ITrainingRecipe recipe, TrainingConfig config, string outDir)
    {
        if (!File.Exists(config.Data) && !Directory.Exists(config.Data))
        {
            Terminal.Error.Line($"its training data {config.Data} is not on this machine, so its data files were not checked.");
            return;
        }
        try
        {
            var corpus = recipe.Load(config.Data, config.ValidationFraction, augment: false, config.Settings, _ => { });
            recipe.WriteDataFiles(config, corpus, outDir, line => Terminal.Error.Line(line));
        }
        catch (TrainingDataException e)
        {
            throw new CliException($"the data files of '{outDir}' cannot be written: {e.Message}");
        }
    }

    private static int Run(TrainingConfig config, ITrainingRecipe recipe, ModelKindRegistry kinds, string outDir, bool resume, bool startOver, int threads, bool json)
    {
        var console = Terminal.Error;
        TrainingCorpus corpus;
        try { corpus = TrainingRun.LoadCorpus(config, recipe, console.Line); }
        catch (TrainingDataException e) { throw new CliException(e.Message); }
        if (startOver && Directory.Exists(outDir))
        {
            // Only once the new run can start: the folder stops claiming to hold the old model, and the old
            // checkpoint cannot be mistaken for the new run's.
            File.Delete(Path.Combine(outDir, ModelDirectory.ManifestFile));
            new CheckpointStore(outDir).Delete();
        }
        TrainingRun run;
        try { run = TrainingRun.Start(config, recipe, kinds, corpus, outDir, threads, console.Line); }
        catch (TrainingDataException e) { throw new CliException(e.Message); }
        using var owned = run;
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try
        {
            result = TrainingProgressView.Run(console, config.Steps, progress => run.Train(resume, progress, cancel.Token));
        }
        catch (OperationCanceledException)
        {
            throw new CliException($"training interrupted; the last checkpoint in '{outDir}' can be continued with --resume.", 130);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        var metrics = run.Finish(result, console.Line);
        TrainingCurves.TryWrite(outDir, console.Line);
        if (json) Console.Out.WriteLine(metrics.ToJsonString());
        return 0;
    }
}
