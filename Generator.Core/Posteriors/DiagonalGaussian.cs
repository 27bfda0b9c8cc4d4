using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Posteriors;

/// <summary>
/// A diagonal-Gaussian posterior q(z|x) = N(μ, diag(σ²)) parameterised by mean and log-variance,
/// each of shape [batch, latent]. It does not own its tensors: the enclosing dispose scope does.
/// </summary>
public sealed class DiagonalGaussian
{
    /// <summary>Creates a posterior from its mean and log-variance.</summary>
    public DiagonalGaussian(Tensor mean, Tensor logVariance)
    {
        if (!mean.shape.SequenceEqual(logVariance.shape))
            throw new ArgumentException($"mean {Shape(mean)} and log-variance {Shape(logVariance)} must have the same shape.");
        Mean = mean;
        LogVariance = logVariance;
    }

    /// <summary>μ, shape [batch, latent].</summary>
    public Tensor Mean { get; }

    /// <summary>log σ², shape [batch, latent].</summary>
    public Tensor LogVariance { get; }

    /// <summary>σ = exp(½ log σ²).</summary>
    public Tensor StdDev
    {
        get
        {
            using var half = 0.5.ToScalar(); // held, not temporary: see Scalars
            return exp(LogVariance.mul(half));
        }
    }

    /// <summary>Reparameterised draw z = μ + σ ⊙ ε, ε ~ N(0, I); differentiable in μ and σ.</summary>
    public Tensor Reparameterize(Generator? generator = null)
    {
        var eps = randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
        return Mean.add(StdDev * eps, Scalars.One);
    }

    /// <summary>
    /// KL(q || N(0, I)) per example in nats, shape [batch]:
    /// ½ Σ (σ² + μ² − 1 − log σ²).
    /// </summary>
    public Tensor KlToStandardNormal()
    {
        using var one = 1.0.ToScalar();
        using var half = 0.5.ToScalar();
        using var two = 2.ToScalar(); // Tensor.square() is pow(2) with an on-the-fly Scalar
        return LogVariance.exp().add(Mean.pow(two), Scalars.One).sub(one).sub(LogVariance).sum(-1).mul(half);
    }

    /// <summary>
    /// KL(q ‖ <paramref name="prior"/>) per latent element in nats, the shape of <see cref="Mean"/> (sum it over what
    /// the prior covers): ½ (log σ_p² − log σ² + (σ² + (μ − μ_p)²) / σ_p² − 1).
    /// </summary>
    public Tensor KlElementsTo(DiagonalGaussian prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (!prior.Mean.shape.SequenceEqual(Mean.shape))
            throw new ArgumentException($"the prior {Shape(prior.Mean)} and the posterior {Shape(Mean)} must have the same shape.");
        using var one = 1.0.ToScalar();
        using var half = 0.5.ToScalar();
        using var two = 2.ToScalar();
        var spread = LogVariance.exp().add(Mean.sub(prior.Mean).pow(two), Scalars.One).div(prior.LogVariance.exp());
        return prior.LogVariance.sub(LogVariance).add(spread, Scalars.One).sub(one).mul(half);
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
