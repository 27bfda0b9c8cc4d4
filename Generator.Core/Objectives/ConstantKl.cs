namespace VaeCreative.Core.Objectives;

/// <summary>β fixed at <see cref="MaxBeta"/>.</summary>
public sealed record ConstantKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0.</summary>
    public ConstantKl(double maxBeta)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        MaxBeta = maxBeta;
    }

    /// <summary>The constant β.</summary>
    public double MaxBeta { get; }

    /// <inheritdoc />
    public override double Beta(long step) => MaxBeta;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"constant:{MaxBeta}");
}
