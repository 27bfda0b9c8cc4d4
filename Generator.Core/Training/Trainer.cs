using System.Diagnostics;
using System.Text.Json;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>
/// Optimises a VAE with Adam, exponential learning-rate decay and global-norm gradient clipping,
/// one dispose scope per step. Data order, augmentation and sampling derive from the seed and the
/// step number alone (through <see cref="StableSeed"/>, the same in every process), so a run resumed from a
/// checkpoint, in this process or another, continues exactly where it stopped.
/// </summary>
public sealed class Trainer
{
    private readonly IVaeModel model;
    private readonly TrainerOptions options;
    private readonly Device device;

    /// <summary>Creates a trainer for <paramref name="model"/> (already on <paramref name="device"/>).</summary>
    public Trainer(IVaeModel model, TrainerOptions options, Device device)
    {
        this.model = model;
        this.options = options.Validate();
        this.device = device;
    }

    /// <summary>
    /// Trains until <see cref="TrainerOptions.Steps"/>; writes checkpoints to <paramref name="checkpoints"/>
    /// and metrics lines to <paramref name="metricsPath"/> (appended). Starts from the latest checkpoint when
    /// <paramref name="resume"/> is set; a checkpoint at the final step trains nothing and returns that step's figures.
    /// </summary>
    public TrainingResult Train(
        ITrainingData train,
        ITrainingData? validation,
        CheckpointStore checkpoints,
        string? metricsPath,
        bool resume,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (train.Count == 0) throw new ArgumentException("the training set is empty.", nameof(train));
        var module = model.Module;
        var parameters = module.parameters().ToArray();
        var optimizer = new AdamOptimizer(parameters, options.LearningRate);
        long startStep = 0;
        TrainingProgress? last = null;
        if (resume)
        {
            var state = checkpoints.Restore(module, optimizer)
                ?? throw new CheckpointException($"nothing to resume: no checkpoint in {checkpoints.Directory}.");
            startStep = state.Step;
            if (startStep > options.Steps)
                throw new CheckpointException(
                    $"the checkpoint in {checkpoints.Directory} is at step {startStep}, beyond --steps {options.Steps}; raise --steps to train further.");
            // A run stopped after its final checkpoint (e.g. killed while writing the model) has nothing left to
            // train; the caller finishes it from the checkpoint's figures.
            if (startStep == options.Steps)
                last = state.Last ?? (metricsPath is null ? null : LoggedProgress(metricsPath, startStep, options.Steps))
                    ?? throw new CheckpointException($"the checkpoint in {checkpoints.Directory} is at the final step {startStep} but has no figures for it; raise --steps to train further.");
        }

        if (resume && metricsPath is not null) KeepMetricsUpTo(metricsPath, startStep);
        using var metrics = metricsPath is null ? null : new StreamWriter(metricsPath, append: resume);
        using var generator = new Generator(0, device);
        var order = new BatchOrder(options.Seed, options.BatchSize, train.Count);
        var clock = Stopwatch.StartNew();
        var trainingTime = Stopwatch.StartNew(); // excludes validation, for an honest examples/s
        long examplesSeen = 0;
        EvaluationResult? lastValidation = null;
        module.train();

        for (var step = startStep; step < options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            var beta = options.Beta.Beta(step);
            var lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            double loss, recon, kl;
            double? accuracy;
            using (var scope = NewDisposeScope())
            {
                var indices = order.Indices(step);
                var augmentation = new Random(StableSeed.DeriveInt32(options.Seed, StableSeed.Augmentation, step));
                generator.manual_seed(StableSeed.Derive(options.Seed, StableSeed.Sampling, step));
                var batch = train.Batch(indices, augmentation).to(device);

                optimizer.zero_grad();
                var posterior = model.Encode(batch);
                var z = posterior.Reparameterize(generator);
                var reconstruction = model.Reconstruct(batch, z, new ReconstructionSettings(options.ScheduledSamplingRate, generator));
                var terms = ElboTerms.Compute(reconstruction.Nll, model.Kl(batch, posterior, z), beta, options.FreeBits);
                terms.Loss.backward();
                if (options.GradientClipNorm > 0) nn.utils.clip_grad_norm_(parameters, options.GradientClipNorm);
                optimizer.step();

                loss = terms.Loss.item<float>();
                recon = terms.ReconstructionNats.item<float>();
                kl = terms.KlNats.item<float>();
                accuracy = reconstruction.Total is > 0 ? (double)reconstruction.Correct!.Value / reconstruction.Total.Value : null;
            }
            CrashPoint.Reached("step");
            if (!double.IsFinite(loss))
                throw new TrainingDivergedException($"training diverged at step {step + 1}: the loss is {loss}. Lower the learning rate or raise gradient clipping.");

            examplesSeen += options.BatchSize;
            var throughput = examplesSeen / Math.Max(1e-9, trainingTime.Elapsed.TotalSeconds);
            var done = step + 1;
            EvaluationResult? validationResult = null;
            var isLast = done == options.Steps;
            if (validation is { Count: > 0 } && ((options.ValidateEvery > 0 && done % options.ValidateEvery == 0) || isLast))
            {
                trainingTime.Stop();
                validationResult = Evaluate(model, validation, options.BatchSize, options.ValidationBatches, device);
                lastValidation = validationResult;
                module.train();
                trainingTime.Start();
            }

            last = new TrainingProgress(done, options.Steps, loss, recon, kl, accuracy, beta, lr,
                throughput, validationResult);
            if (metrics is not null) WriteMetrics(metrics, last);
            progress?.Report(last);

            if (options.CheckpointEvery > 0 && (done % options.CheckpointEvery == 0 || isLast))
            {
                trainingTime.Stop();
                // The log up to the checkpoint survives a power cut too (lines after it are dropped on resume anyway).
                if (metrics?.BaseStream is FileStream log) log.Flush(flushToDisk: true);
                checkpoints.Save(module, optimizer, done, last);
                trainingTime.Start();
            }
        }

        module.eval();
        return new TrainingResult(last!, lastValidation, clock.Elapsed);
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> on up to <paramref name="maxBatches"/> batches of
    /// <paramref name="data"/> in order, with z = μ and teacher forcing; with <paramref name="sampled"/>
    /// also the accuracy of the argmax autoregressive decode from μ (discrete outputs only).
    /// </summary>
    public static EvaluationResult Evaluate(IVaeModel model, ITrainingData data, int batchSize, int maxBatches, Device device, bool sampled = false)
    {
        model.Module.eval();
        double elbo = 0, recon = 0, kl = 0;
        long correct = 0, total = 0, examples = 0, sampledCorrect = 0, sampledTotal = 0;
        var hasAccuracy = false;
        using var inference = inference_mode();
        for (var start = 0; start < data.Count && start / batchSize < maxBatches; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, data.Count - start);
            var batch = data.Batch(Enumerable.Range(start, count).ToArray(), null).to(device);
            var posterior = model.Encode(batch);
            var reconstruction = model.Reconstruct(batch, posterior.Mean, ReconstructionSettings.TeacherForced);
            var klPer = model.Kl(batch, posterior, posterior.Mean).to(ScalarType.Float32);
            var nll = reconstruction.Nll.to(ScalarType.Float32);
            recon += nll.sum().item<float>();
            kl += klPer.sum().item<float>();
            elbo += nll.add(klPer, Scalars.One).sum().item<float>();
            examples += count;
            if (sampled && reconstruction.Total is not null)
            {
                var decoded = model.Generate(posterior.Mean, new GenerationSettings(0));
                var width = Math.Min(decoded.shape[1], batch.shape[1]);
                var equal = decoded.narrow(1, 0, width).eq(batch.narrow(1, 0, width));
                if (model.PredictedElements(batch) is { } predicted)
                {
                    // Only what the decoder predicts counts (not a given BOS, not PAD after EOS); a decode cut short counts as wrong.
                    sampledCorrect += equal.logical_and(predicted.narrow(1, 0, width)).sum().item<long>();
                    sampledTotal += predicted.sum().item<long>();
                }
                else
                {
                    sampledCorrect += equal.sum().item<long>();
                    sampledTotal += batch.numel();
                }
            }
            if (reconstruction.Total is { } t)
            {
                hasAccuracy = true;
                correct += reconstruction.Correct!.Value;
                total += t;
            }
        }
        if (examples == 0) throw new ArgumentException("the evaluation set is empty.", nameof(data));
        return new EvaluationResult(examples, elbo / examples, recon / examples, kl / examples,
            hasAccuracy && total > 0 ? (double)correct / total : null,
            sampledTotal > 0 ? (double)sampledCorrect / sampledTotal : null);
    }

    /// <summary>The figures of <paramref name="step"/> from the metrics log (for checkpoints that predate <see cref="CheckpointState.Last"/>), or null.</summary>
    private static TrainingProgress? LoggedProgress(string path, long step, long totalSteps)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.TryGetProperty("split", out _) || !e.TryGetProperty("step", out var s) || s.GetInt64() != step) continue;
                double? Get(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
                if (Get("loss") is not { } loss) continue;
                return new TrainingProgress(step, totalSteps, loss, Get("reconstruction_nats") ?? 0, Get("kl_nats") ?? 0,
                    Get("accuracy"), Get("beta") ?? 0, Get("learning_rate") ?? 0, Get("examples_per_s") ?? 0, null);
            }
            catch (JsonException) { }
        }
        return null;
    }

    /// <summary>Drops metrics lines logged after the checkpoint being resumed, so the log has each step once.</summary>
    private static void KeepMetricsUpTo(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadLines(path).Where(line =>
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                return doc.RootElement.TryGetProperty("step", out var s) && s.GetInt64() <= step;
            }
            catch (JsonException)
            {
                return false;
            }
        }).ToList();
        AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
    }

    private static void WriteMetrics(StreamWriter writer, TrainingProgress p)
    {
        var line = new Dictionary<string, object?>
        {
            ["step"] = p.Step,
            ["loss"] = p.Loss,
            ["reconstruction_nats"] = p.ReconstructionNats,
            ["kl_nats"] = p.KlNats,
            ["elbo_nats"] = p.ReconstructionNats + p.KlNats,
            ["accuracy"] = p.Accuracy,
            ["beta"] = p.Beta,
            ["learning_rate"] = p.LearningRate,
            ["examples_per_s"] = p.ExamplesPerSecond,
        };
        writer.WriteLine(JsonSerializer.Serialize(line));
        if (p.Validation is { } v)
        {
            var validation = new Dictionary<string, object?>
            {
                ["step"] = p.Step,
                ["split"] = "validation",
                ["examples"] = v.Examples,
                ["elbo_nats"] = v.ElboNats,
                ["reconstruction_nats"] = v.ReconstructionNats,
                ["kl_nats"] = v.KlNats,
                ["accuracy_teacher_forced"] = v.AccuracyTeacherForced,
            };
            writer.WriteLine(JsonSerializer.Serialize(validation));
        }
        writer.Flush();
    }
}
