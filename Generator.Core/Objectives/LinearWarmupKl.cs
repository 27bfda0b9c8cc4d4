namespace VaeCreative.Core.Objectives;

/// <summary>β rises linearly from 0 to <see cref="MaxBeta"/> over <see cref="WarmupSteps"/>, then stays.</summary>
public sealed record LinearWarmupKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0, warm-up ≥ 1 step.</summary>
    public LinearWarmupKl(double maxBeta, long warmupSteps)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        if (warmupSteps < 1) throw new ArgumentOutOfRangeException(nameof(warmupSteps), "warm-up must be at least one step.");
        MaxBeta = maxBeta;
        WarmupSteps = warmupSteps;
    }

    /// <summary>β after warm-up.</summary>
    public double MaxBeta { get; }

    /// <summary>Steps to reach <see cref="MaxBeta"/>.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double Beta(long step) => MaxBeta * Math.Min(1.0, (double)step / WarmupSteps);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"linear:{MaxBeta}:{WarmupSteps}");
}
