using VaeCreative.Core.Objectives;
using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Training;

/// <summary>Optimisation settings. Defaults follow MusicVAE's 2-bar melody configuration where it has one.</summary>
public sealed record TrainerOptions
{
    /// <summary>Total optimiser steps. Default 1000. Range 1–10⁹.</summary>
    public long Steps { get; init; } = 1000;

    /// <summary>Examples per step. Default 64. Range 1–65536.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's initial learning rate. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Per-step exponential decay of the learning rate. Default 0.9999 (MusicVAE). Range (0, 1].</summary>
    public double LearningRateDecay { get; init; } = 0.9999;

    /// <summary>Floor of the decayed learning rate. Default 1e-5.</summary>
    public double MinLearningRate { get; init; } = 1e-5;

    /// <summary>Global-norm gradient clipping threshold. Default 1.0; 0 disables.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>β schedule on the KL term. Default linear warm-up to 0.2 over 2000 steps.</summary>
    public KlSchedule Beta { get; init; } = new LinearWarmupKl(0.2, 2000);

    /// <summary>KL budget per example in bits that is not penalised. Default 0.</summary>
    public double FreeBits { get; init; }

    /// <summary>Probability of scheduled sampling during training. Default 0 (teacher forcing).</summary>
    public double ScheduledSamplingRate { get; init; }

    /// <summary>Write a resumable checkpoint every this many steps and at the last step. Default 500; 0 disables.</summary>
    public long CheckpointEvery { get; init; } = 500;

    /// <summary>Run validation every this many steps (and at the end). Default 500; 0 validates only at the end.</summary>
    public long ValidateEvery { get; init; } = 500;

    /// <summary>Most validation batches per validation run. Default 50.</summary>
    public int ValidationBatches { get; init; } = 50;

    /// <summary>Seed for weight initialisation, data order, augmentation and sampling. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public TrainerOptions Validate()
    {
        if (Steps < 1 || Steps > 1_000_000_000) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be between 1 and 10^9.");
        Preconditions.InRange(BatchSize, 1, 65536);
        Preconditions.InRange(LearningRate, 1e-9, 10);
        Preconditions.InRange(LearningRateDecay, 1e-9, 1);
        Preconditions.NonNegative(MinLearningRate);
        Preconditions.NonNegative(GradientClipNorm);
        Preconditions.NonNegative(FreeBits);
        Preconditions.InRange(ScheduledSamplingRate, 0, 1);
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), "must be zero or more.");
        if (ValidateEvery < 0) throw new ArgumentOutOfRangeException(nameof(ValidateEvery), "must be zero or more.");
        Preconditions.Positive(ValidationBatches);
        return this;
    }

    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    public double LearningRateAt(long step) =>
        Math.Max(MinLearningRate, LearningRate * Math.Pow(LearningRateDecay, step));
}
