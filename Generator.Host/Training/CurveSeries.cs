using VaeCreative.Core.Training;

namespace VaeCreative.Host.Training;

/// <summary>One figure of a metrics log against the step, with the two reductions a plot of it needs: smoothing and thinning.</summary>
/// <param name="Steps">The steps, ascending.</param>
/// <param name="Values">The figure at each step (finite).</param>
internal sealed record CurveSeries(double[] Steps, double[] Values)
{
    /// <summary>The number of points.</summary>
    public int Count => Steps.Length;

    /// <summary>The figure <paramref name="select"/> of <paramref name="entries"/>, leaving out the entries that lack it.</summary>
    public static CurveSeries From(IEnumerable<MetricsEntry> entries, Func<MetricsEntry, double?> select)
    {
        var kept = entries.Select(e => (e.Step, Value: select(e))).Where(p => p.Value is not null).ToList();
        return new CurveSeries([.. kept.Select(p => (double)p.Step)], [.. kept.Select(p => p.Value!.Value)]);
    }

    /// <summary>
    /// The centred moving average over <paramref name="window"/> points (narrower at both ends, where fewer points
    /// exist), from prefix sums so that a long log costs one pass. Centred rather than trailing so the smoothed line
    /// does not lag the raw series it is drawn over.
    /// </summary>
    public CurveSeries MovingAverage(int window)
    {
        if (window <= 1 || Count == 0) return this;
        var sums = new double[Count + 1];
        for (var i = 0; i < Count; i++) sums[i + 1] = sums[i] + Values[i];
        var half = window / 2;
        var smoothed = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            var from = Math.Max(0, i - half);
            var to = Math.Min(Count, i + half + 1);
            smoothed[i] = (sums[to] - sums[from]) / (to - from);
        }
        return this with { Values = smoothed };
    }

    /// <summary>
    /// At most <paramref name="maxPoints"/> points: consecutive points averaged in equal bins (step and value), so a
    /// 100,000-step log draws as fast as a short one and a plot a few thousand pixels wide loses nothing it could show.
    /// </summary>
    public CurveSeries Downsample(int maxPoints)
    {
        if (Count <= maxPoints) return this;
        var steps = new double[maxPoints];
        var values = new double[maxPoints];
        for (var bin = 0; bin < maxPoints; bin++)
        {
            var from = (int)((long)bin * Count / maxPoints);
            var to = (int)((long)(bin + 1) * Count / maxPoints);
            double step = 0, value = 0;
            for (var i = from; i < to; i++)
            {
                step += Steps[i];
                value += Values[i];
            }
            steps[bin] = step / (to - from);
            values[bin] = value / (to - from);
        }
        return new CurveSeries(steps, values);
    }

    /// <summary>The same points with each value mapped by <paramref name="map"/> (e.g. to a log scale).</summary>
    public CurveSeries Map(Func<double, double> map) => this with { Values = [.. Values.Select(map)] };
}
