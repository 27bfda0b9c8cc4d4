using TorchSharp;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// A mixture of diagonal Gaussians for each of a batch of codes (<see cref="SpanPrior"/>'s output): log weights
/// [..., components] (normalised), means and log variances [..., components, latent]. One component is one Gaussian.
/// </summary>
internal sealed record SpanPriorMixture(Tensor LogWeights, Tensor Mean, Tensor LogVariance)
{
    /// <summary>Gaussians per code.</summary>
    public long Components => LogWeights.shape[^1];

    /// <summary>
    /// KL(q ‖ this) in nats for each code [...], q a diagonal Gaussian with mean and log variance [..., latent]. One
    /// component gives the exact KL. A mixture has no closed form; this is −log Σₖ wₖ exp(−KL(q ‖ pₖ)) (Hershey and
    /// Olsen 2007), which is never below the true KL (it is Jensen's bound on E_q[log Σₖ wₖ pₖ]), so an ELBO taken
    /// with it stays a lower bound, and it is exact, deterministic and cheap: no sampled z, the same in training and
    /// in validation.
    /// </summary>
    public Tensor KlFrom(DiagonalGaussian posterior)
    {
        // The posterior set beside each component, for DiagonalGaussian's element-wise KL.
        var beside = new DiagonalGaussian(posterior.Mean.unsqueeze(-2).expand_as(Mean), posterior.LogVariance.unsqueeze(-2).expand_as(LogVariance));
        var perComponent = beside.KlElementsTo(new DiagonalGaussian(Mean, LogVariance)).sum(-1);
        return Components == 1 ? perComponent.squeeze(-1) : LogWeights.sub(perComponent).logsumexp(-1).neg();
    }

    /// <summary>log p(z) in nats for each code [...], <paramref name="z"/> [..., latent], 2π terms included.</summary>
    public Tensor LogDensity(Tensor z)
    {
        using var half = 0.5.ToScalar();
        using var two = 2.ToScalar();
        using var logTwoPi = (Math.Log(2 * Math.PI) * z.shape[^1]).ToScalar();
        var perComponent = z.unsqueeze(-2).sub(Mean).pow(two).div(LogVariance.exp()).add(LogVariance, Scalars.One)
            .sum(-1).add(logTwoPi).mul(half).neg();
        return perComponent.add(LogWeights, Scalars.One).logsumexp(-1);
    }

    /// <summary>
    /// Draws a code from each mixture [rows, latent] at <paramref name="temperature"/> [rows] (sketch-rnn's rule: the
    /// weights' logits divided by it, each component's variance multiplied by it; 1 draws from the prior itself, 0
    /// gives the mean of the likeliest component): the component whose cumulative weight first reaches
    /// <paramref name="uniform"/> [rows] (in (0, 1); needed only for a mixture), then its μ + σ ⊙
    /// <paramref name="noise"/> [rows, latent] (N(0, I)).
    /// </summary>
    /// <remarks>
    /// Why a temperature: a cooler draw stays nearer the middle of the component it picked, where the codes of real
    /// words lie, and picks the likelier continuations; one Gaussian has only its middle, between words (a cool draw
    /// from it repeats one word).
    /// </remarks>
    public Tensor Draw(Tensor? uniform, Tensor noise, Tensor temperature)
    {
        Tensor mean = Mean, logVariance = LogVariance;
        using var coolest = MinTemperature.ToScalar();
        var t = temperature.to(Mean.dtype).clamp_min(coolest).unsqueeze(-1); // [rows, 1]
        if (Components > 1)
        {
            ArgumentNullException.ThrowIfNull(uniform);
            // The component index: how many cumulative weights lie below the uniform (the last one catches rounding).
            var cumulative = LogWeights.div(t).softmax(-1).cumsum(-1);
            var chosen = cumulative.lt(uniform.unsqueeze(-1).to(cumulative.dtype)).sum(-1).clamp_max(Components - 1);
            var index = chosen.view(-1, 1, 1).expand(-1, 1, Mean.shape[^1]);
            mean = Mean.gather(1, index);
            logVariance = LogVariance.gather(1, index);
        }
        using var half = 0.5.ToScalar();
        // σ √t, with t at its floor (a temperature of 0) taken as 0.
        var spread = logVariance.squeeze(1).mul(half).exp().mul(t.gt(coolest).to(t.dtype).mul(t.sqrt()));
        return mean.squeeze(1).add(spread.mul(noise), Scalars.One);
    }

    /// <summary>Temperatures below this draw as 0: the likeliest component's mean (the logits divided by it stay finite).</summary>
    private const double MinTemperature = 1e-4;
}
