namespace VaeCreative.Core.Objectives;

/// <summary>
/// Cyclical annealing (Fu et al., 2019): each period β ramps linearly from 0 to <see cref="MaxBeta"/>
/// over the first half, then holds for the second half.
/// </summary>
public sealed record CyclicalKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0, period ≥ 2 steps.</summary>
    public CyclicalKl(double maxBeta, long periodSteps)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        if (periodSteps < 2) throw new ArgumentOutOfRangeException(nameof(periodSteps), "period must be at least two steps.");
        MaxBeta = maxBeta;
        PeriodSteps = periodSteps;
    }

    /// <summary>β at the top of each cycle.</summary>
    public double MaxBeta { get; }

    /// <summary>Length of one cycle in steps.</summary>
    public long PeriodSteps { get; }

    /// <inheritdoc />
    public override double Beta(long step)
    {
        var phase = (double)(step % PeriodSteps) / PeriodSteps;
        return MaxBeta * Math.Min(1.0, phase * 2.0);
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"cyclical:{MaxBeta}:{PeriodSteps}");
}
