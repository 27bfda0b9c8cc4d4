using System.Text.Json.Nodes;
using VaeCreative.Core.Objectives;

namespace VaeCreative.Core.Training;

/// <summary>
/// Everything needed to train (and continue) a model of any modality: written to <c>run.json</c> at the start of a
/// run, so <c>train --resume</c> continues with the same settings.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Modality trained, e.g. <c>melody</c>.</summary>
    public required string Modality { get; init; }

    /// <summary>Full path of the training file or folder.</summary>
    public string Data { get; init; } = "";

    /// <summary>Fraction of the data held out for validation (by a stable hash). Default 0.1. Range [0, 1).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// The model kind. Runs written before kinds were recorded were all melody runs, so a run.json without one reads as
    /// <c>sequence-vae</c> (the name only: Core builds no kind itself).
    /// </summary>
    public string ModelKind { get; init; } = LegacyModelKind;

    /// <summary>The kind of a run.json that names none (see <see cref="ModelKind"/>).</summary>
    internal const string LegacyModelKind = "sequence-vae";

    /// <summary>The model's settings (sizes), as in the manifest.</summary>
    public JsonObject Model { get; init; } = new();

    /// <summary>
    /// Full path of a trained model whose modules, where their parameters match in name and shape, start this one (see
    /// <see cref="WarmStart"/>); null: all parameters start from the seeded initialisation.
    /// </summary>
    public string? WarmStart { get; init; }

    /// <summary>Modality-specific settings (e.g. a tokenizer's vocabulary size), as given to <c>train</c>.</summary>
    public JsonObject? Settings { get; init; }

    /// <summary>Optimiser steps.</summary>
    public long Steps { get; init; }

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; }

    /// <summary>Seed for initialisation, data order and augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; }

    /// <summary>Per-step learning-rate decay.</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>β schedule (see <see cref="KlSchedule.Parse"/>).</summary>
    public string Beta { get; init; } = "";

    /// <summary>Free KL budget per example, bits.</summary>
    public double FreeBits { get; init; }

    /// <summary>Scheduled-sampling probability.</summary>
    public double ScheduledSamplingRate { get; init; }

    /// <summary>
    /// libtorch threads the run trains with, as it ran (the count in effect, recorded by <see cref="TrainingRun.Start"/>;
    /// 0 in a config not yet started: libtorch's default, the machine's cores). Part of the run: parallel sums add in
    /// another order on another count, so a run continued on another count comes out a rounding step different, and
    /// <c>train --resume</c> keeps this one.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Steps between checkpoints.</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>Steps between validation runs.</summary>
    public long ValidateEvery { get; init; }

    /// <summary>A config with <paramref name="defaults"/>' optimiser settings (what a modality's recipe suggests).</summary>
    public static TrainingConfig From(string modality, ModelShape shape, TrainerOptions defaults) => new()
    {
        Modality = modality,
        ModelKind = shape.Kind,
        Model = (JsonObject)shape.Settings.DeepClone(),
        Steps = defaults.Steps,
        BatchSize = defaults.BatchSize,
        Seed = defaults.Seed,
        LearningRate = defaults.LearningRate,
        LearningRateDecay = defaults.LearningRateDecay,
        Beta = defaults.Beta.ToString(),
        FreeBits = defaults.FreeBits,
        ScheduledSamplingRate = defaults.ScheduledSamplingRate,
        CheckpointEvery = defaults.CheckpointEvery,
        ValidateEvery = defaults.ValidateEvery,
    };

    /// <summary>The trainer's options; throws <see cref="ArgumentOutOfRangeException"/> for a setting out of range.</summary>
    public TrainerOptions ToTrainerOptions() =>
        new TrainerOptions
        {
            Steps = Steps,
            BatchSize = BatchSize,
            Seed = Seed,
            LearningRate = LearningRate,
            LearningRateDecay = LearningRateDecay,
            Beta = KlSchedule.Parse(Beta),
            FreeBits = FreeBits,
            ScheduledSamplingRate = ScheduledSamplingRate,
            CheckpointEvery = CheckpointEvery,
            ValidateEvery = ValidateEvery,
        }.Validate();
}
