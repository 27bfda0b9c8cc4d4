using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Posteriors;

public class DiagonalGaussianTests
{
    [Fact]
    public void Kl_matches_the_closed_form()
    {
        using var scope = NewDisposeScope();
        var random = new Random(11);
        const int batch = 5, dims = 7;
        var mu = new float[batch * dims];
        var logVar = new float[batch * dims];
        for (var i = 0; i < mu.Length; i++)
        {
            mu[i] = (float)(random.NextDouble() * 4 - 2);
            logVar[i] = (float)(random.NextDouble() * 3 - 1.5);
        }
        var posterior = new DiagonalGaussian(tensor(mu, new long[] { batch, dims }), tensor(logVar, new long[] { batch, dims }));
        var kl = posterior.KlToStandardNormal().data<float>().ToArray();
        for (var b = 0; b < batch; b++)
        {
            double expected = 0;
            for (var d = 0; d < dims; d++)
            {
                var m = (double)mu[b * dims + d];
                var s2 = Math.Exp(logVar[b * dims + d]);
                // KL(N(m, s²) || N(0, 1)) = ½ (s² + m² − 1 − ln s²)
                expected += 0.5 * (s2 + m * m - 1 - Math.Log(s2));
            }
            Assert.Equal(expected, kl[b], 4);
        }
    }

    [Fact]
    public void Kl_of_the_prior_itself_is_zero()
    {
        using var scope = NewDisposeScope();
        var posterior = new DiagonalGaussian(zeros(3, 4), zeros(3, 4));
        Assert.All(posterior.KlToStandardNormal().data<float>().ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Reparameterised_draws_have_the_posterior_mean_and_spread()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(42);
        var posterior = new DiagonalGaussian(full(new long[] { 20000, 1 }, 3.0f), full(new long[] { 20000, 1 }, (float)Math.Log(4.0)));
        var z = posterior.Reparameterize(generator);
        Assert.Equal(3.0, z.mean().item<float>(), 1);
        Assert.Equal(2.0, z.std().item<float>(), 1);
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new DiagonalGaussian(zeros(2, 3), zeros(2, 4)));
    }
}
