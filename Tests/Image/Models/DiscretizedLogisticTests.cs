using VaeCreative.Core.Objectives;
using VaeCreative.Image.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

public class DiscretizedLogisticTests
{
    /// <summary>All 256 values of one logistic, as k / 255, in a [256] tensor with the same μ and log s repeated.</summary>
    private static double[] Masses(double mean, double logScale)
    {
        using var scope = NewDisposeScope();
        var values = arange(256, dtype: ScalarType.Float64).div(255.0);
        var log = DiscretizedLogistic.LogProbability(values, full(256, mean, dtype: ScalarType.Float64), full(256, logScale, dtype: ScalarType.Float64));
        return log.exp().data<double>().ToArray();
    }

    [Theory]
    [InlineData(0.0, -1.0)]
    [InlineData(0.3, -4.0)]
    [InlineData(-0.97, -6.5)]
    [InlineData(0.999, -3.0)]
    [InlineData(2.5, 0.5)]
    public void The_masses_of_all_256_values_sum_to_one(double mean, double logScale)
    {
        // Exact but for bins whose mass underflows (a sharp logistic between two levels), where the density at the
        // bin's centre stands in: a few millionths at most.
        Assert.Equal(1.0, Masses(mean, logScale).Sum(), 4);
    }

    [Fact]
    public void An_inner_bin_gets_the_logistic_mass_between_its_edges_and_the_end_bins_their_tails()
    {
        const double mean = 0.1, logScale = -2.0;
        var s = Math.Exp(logScale);
        static double Cdf(double x, double m, double scale) => 1 / (1 + Math.Exp(-(x - m) / scale));
        var masses = Masses(mean, logScale);
        for (var k = 1; k < 255; k += 37)
        {
            var x = k / 127.5 - 1;
            Assert.Equal(Cdf(x + 1 / 255.0, mean, s) - Cdf(x - 1 / 255.0, mean, s), masses[k], 9);
        }
        Assert.Equal(Cdf(-1 + 1 / 255.0, mean, s), masses[0], 9);
        Assert.Equal(1 - Cdf(1 - 1 / 255.0, mean, s), masses[255], 9);
    }

    [Fact]
    public void A_sharp_logistic_far_from_a_value_stays_finite()
    {
        using var scope = NewDisposeScope();
        var log = DiscretizedLogistic.LogProbability(tensor(new[] { 0.5f }), tensor(new[] { -0.9f }), tensor(new[] { -7f }));
        var value = log.item<float>();
        Assert.True(float.IsFinite(value) && value < -100, $"log p = {value}");
    }

    [Fact]
    public void Temperature_zero_gives_the_centre_on_the_256_levels_and_higher_temperatures_spread()
    {
        using var scope = NewDisposeScope();
        var mean = full(new long[] { 2, 1, 8, 8 }, 0.2f);
        var logScale = full(new long[] { 2, 1, 8, 8 }, -3f);
        var uniform = rand(new long[] { 2, 1, 8, 8 }, generator: new Generator(5));
        var values = DiscretizedLogistic.Sample(mean, logScale, uniform, tensor(new[] { 0f, 1f })).data<float>().ToArray();
        var level = MathF.Round((0.2f + 1) / 2 * 255) / 255;
        Assert.All(values.Take(64), v => Assert.Equal(level, v, 6));
        var drawn = values.Skip(64).ToArray();
        Assert.Contains(drawn, v => MathF.Abs(v - level) > 1e-3);
        Assert.All(drawn, v => Assert.Equal(MathF.Round(v * 255) / 255, v, 6));
        Assert.All(drawn, v => Assert.InRange(v, 0f, 1f));
    }
}
