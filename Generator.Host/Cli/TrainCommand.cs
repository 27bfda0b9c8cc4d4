using System.CommandLine;
using System.Text.Json;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative train</c>: trains a model from a data folder into a model directory.</summary>
public static class TrainCommand
{
    private const string RunFile = MelodyTrainingRun.RunFile;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var modality = new Option<string>("--modality") { Description = "What to train on: melody.", DefaultValueFactory = _ => MelodyModality.Name };
        var data = new Option<string>("--data") { Description = "Folder of training files (searched recursively); required unless --resume." };
        var output = new Option<string>("--out") { Description = "Model directory to write (weights, manifest.json, metrics.jsonl, checkpoint/).", Required = true };
        var steps = new Option<long>("--steps") { Description = "Optimiser steps.", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Examples per step.", DefaultValueFactory = _ => 64 };
        var rng = new Option<long>("--rng") { Description = "Seed for initialisation, data order, augmentation and sampling.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue (or finish) the run in --out with its saved settings." };
        var force = new Option<bool>("--force") { Description = "Overwrite a model already in --out." };
        var lr = new Option<double>("--lr") { Description = "Initial learning rate (Adam).", DefaultValueFactory = _ => 1e-3 };
        var lrDecay = new Option<double>("--lr-decay") { Description = "Per-step learning-rate decay factor.", DefaultValueFactory = _ => 0.9999 };
        var beta = new Option<string>("--beta") { Description = "β schedule: constant:B, linear:B:WARMUP or cyclical:B:PERIOD.", DefaultValueFactory = _ => "linear:0.2:2000" };
        var freeBits = new Option<double>("--free-bits") { Description = "KL budget per example (bits) not penalised.", DefaultValueFactory = _ => 0 };
        var sampling = new Option<double>("--scheduled-sampling") { Description = "Probability of feeding the decoder its own sample instead of the true token.", DefaultValueFactory = _ => 0 };
        var checkpointEvery = new Option<long>("--checkpoint-every") { Description = "Steps between resumable checkpoints, and one at the last step (0: none; an interrupted run restarts from step 0).", DefaultValueFactory = _ => 500 };
        var validateEvery = new Option<long>("--validate-every") { Description = "Steps between validation runs (0: only at the end).", DefaultValueFactory = _ => 500 };
        var validationFraction = new Option<double>("--validation-fraction") { Description = "Fraction of files held out for validation (by a stable hash of the file path).", DefaultValueFactory = _ => 0.1 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: libtorch's default).", DefaultValueFactory = _ => 0 };
        var encoderHidden = new Option<int>("--encoder-hidden") { Description = "Encoder BiLSTM units per direction.", DefaultValueFactory = _ => MelodyModality.DefaultModelOptions.EncoderHidden };
        var decoderHidden = new Option<int>("--decoder-hidden") { Description = "Decoder LSTM units per layer.", DefaultValueFactory = _ => MelodyModality.DefaultModelOptions.DecoderHidden };
        var decoderLayers = new Option<int>("--decoder-layers") { Description = "Decoder LSTM layers.", DefaultValueFactory = _ => MelodyModality.DefaultModelOptions.DecoderLayers };
        var latent = new Option<int>("--latent") { Description = "Size of z.", DefaultValueFactory = _ => MelodyModality.DefaultModelOptions.LatentSize };
        var json = new Option<bool>("--json") { Description = "Print the final figures as one JSON object on stdout." };

        var command = new Command("train", "Train a VAE on a folder of files.")
        {
            modality, data, output, steps, batch, rng, resume, force, lr, lrDecay, beta, freeBits, sampling,
            checkpointEvery, validateEvery, validationFraction, threads, encoderHidden, decoderHidden, decoderLayers, latent, json,
        };
        command.SetAction(p =>
        {
            var modalityName = p.GetValue(modality)!;
            if (modalityName != MelodyModality.Name)
                throw new CliException($"modality '{modalityName}' cannot be trained by this build; available: {MelodyModality.Name}.", 2);
            var outDir = Path.GetFullPath(p.GetValue(output)!);
            var runPath = Path.Combine(outDir, RunFile);
            var stale = AtomicFile.RemoveStaleTemporaries(outDir);
            if (stale > 0) Terminal.Error.Line($"removed {stale} temporary file(s) left in {outDir} by an interrupted run");
            MelodyTrainingConfig config;
            if (p.GetValue(resume))
            {
                if (!File.Exists(runPath))
                    throw new CliException($"nothing to resume in '{outDir}': it has no {RunFile} from an earlier train run.");
                config = JsonSerializer.Deserialize<MelodyTrainingConfig>(File.ReadAllText(runPath), ModelManifest.JsonOptions)
                         ?? throw new CliException($"{runPath} is empty.");
                if (p.GetResult(steps) is { Implicit: false }) config = config with { Steps = p.GetValue(steps) };
                if (p.GetValue(data) is { } resumeData && Path.GetFullPath(resumeData) != config.Data)
                    throw new CliException($"--resume must train on the same data as the run in '{outDir}' ({config.Data}).", 2);
                if (FinishedStep(outDir) is { } finished && finished >= config.Steps)
                {
                    // Nothing left to do is success, so `train --resume` can be repeated until it succeeds.
                    Terminal.Error.Line($"the model in '{outDir}' is already trained to step {finished}; raise --steps to train further.");
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
                KlSchedule.Parse(p.GetValue(beta)!);
                config = new MelodyTrainingConfig
                {
                    Modality = modalityName,
                    Data = Path.GetFullPath(p.GetValue(data)!),
                    ValidationFraction = p.GetValue(validationFraction),
                    Model = MelodyModality.DefaultModelOptions with
                    {
                        EncoderHidden = p.GetValue(encoderHidden),
                        DecoderHidden = p.GetValue(decoderHidden),
                        DecoderLayers = p.GetValue(decoderLayers),
                        LatentSize = p.GetValue(latent),
                    },
                    Steps = p.GetValue(steps),
                    BatchSize = p.GetValue(batch),
                    Seed = p.GetValue(rng),
                    LearningRate = p.GetValue(lr),
                    LearningRateDecay = p.GetValue(lrDecay),
                    Beta = p.GetValue(beta)!,
                    FreeBits = p.GetValue(freeBits),
                    ScheduledSamplingRate = p.GetValue(sampling),
                    CheckpointEvery = p.GetValue(checkpointEvery),
                    ValidateEvery = p.GetValue(validateEvery),
                };
            }
            if (config.ValidationFraction is < 0 or >= 1)
                throw new CliException("--validation-fraction must be at least 0 and below 1.", 2);
            try { config.ToTrainerOptions(); }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException(e.Message.Split('\n')[0].Replace(" (Parameter", " (option", StringComparison.Ordinal), 2);
            }
            config.Model.Validate();
            return Run(config, outDir, p.GetValue(resume), p.GetValue(force) && !p.GetValue(resume), p.GetValue(threads), p.GetValue(json));
        });
        return command;
    }

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

    private static int Run(MelodyTrainingConfig config, string outDir, bool resume, bool startOver, int threads, bool json)
    {
        var console = Terminal.Error;
        MelodyCorpus corpus;
        try { corpus = MelodyTrainingRun.LoadCorpus(config, console.Line); }
        catch (TrainingDataException e) { throw new CliException(e.Message); }
        if (startOver)
        {
            // Only once the new run can start: the folder stops claiming to hold the old model, and the old
            // checkpoint cannot be mistaken for the new run's.
            File.Delete(Path.Combine(outDir, ModelDirectory.ManifestFile));
            new CheckpointStore(outDir).Delete();
        }
        using var run = MelodyTrainingRun.Start(config, corpus, outDir, threads, console.Line);
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
        if (json) Console.Out.WriteLine(metrics.ToJsonString());
        return 0;
    }
}
