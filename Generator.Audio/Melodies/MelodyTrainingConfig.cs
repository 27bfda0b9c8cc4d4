using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Melodies;

/// <summary>Everything needed to train (and continue) a melody model: written to <c>run.json</c> at the start.</summary>
public sealed record MelodyTrainingConfig
{
    /// <summary>Modality trained (melody).</summary>
    public string Modality { get; init; } = MelodyModality.Name;
    /// <summary>Full path of the training folder.</summary>
    public string Data { get; init; } = "";
    /// <summary>Fraction of files held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Network shape.</summary>
    public SequenceVaeOptions Model { get; init; } = MelodyModality.DefaultModelOptions;
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
    /// <summary>β schedule (see KlSchedule.Parse).</summary>
    public string Beta { get; init; } = "";
    /// <summary>Free KL budget per example, bits.</summary>
    public double FreeBits { get; init; }
    /// <summary>Scheduled-sampling probability.</summary>
    public double ScheduledSamplingRate { get; init; }
    /// <summary>Steps between checkpoints.</summary>
    public long CheckpointEvery { get; init; }
    /// <summary>Steps between validation runs.</summary>
    public long ValidateEvery { get; init; }

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
