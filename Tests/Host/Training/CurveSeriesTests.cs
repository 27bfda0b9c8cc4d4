using VaeCreative.Core.Training;
using VaeCreative.Host.Training;

namespace VaeCreative.Tests.Host.Training;

public class CurveSeriesTests
{
    private static CurveSeries Ramp(int count) =>
        new([.. Enumerable.Range(1, count).Select(i => (double)i)], [.. Enumerable.Range(1, count).Select(i => (double)(i % 7))]);

    [Fact]
    public void Downsample_keeps_at_most_the_points_asked_for_and_the_mean()
    {
        var series = Ramp(10_007);
        var thin = series.Downsample(1000);
        Assert.Equal(1000, thin.Count);
        Assert.Equal(series.Values.Average(), thin.Values.Average(), 1);
        Assert.True(thin.Steps.Zip(thin.Steps.Skip(1)).All(p => p.First < p.Second), "steps stay ascending");
        Assert.Same(series, series.Downsample(20_000));
    }

    [Fact]
    public void Moving_average_is_centred_and_narrower_at_the_ends()
    {
        var series = new CurveSeries([1, 2, 3, 4, 5], [0, 0, 10, 0, 0]);
        Assert.Equal([0, 10 / 3.0, 10 / 3.0, 10 / 3.0, 0], series.MovingAverage(3).Values);
        Assert.Equal([5.0, 5, 5], new CurveSeries([1, 2, 3], [5, 5, 5]).MovingAverage(101).Values);
    }

    [Fact]
    public void From_leaves_out_entries_without_the_figure()
    {
        var entries = new[]
        {
            new MetricsEntry(1, false, 3, null, null, null, null, null),
            new MetricsEntry(2, false, null, null, null, null, null, null),
            new MetricsEntry(3, false, 1, null, null, null, null, null),
        };
        var series = CurveSeries.From(entries, e => e.Loss);
        Assert.Equal([1.0, 3], series.Steps);
        Assert.Equal([3.0, 1], series.Values);
    }
}
