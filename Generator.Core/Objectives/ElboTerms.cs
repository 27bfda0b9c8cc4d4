using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Objectives;

/// <summary>The terms of the evidence lower bound for one batch, all per-example means in nats.</summary>
/// <param name="Loss">The optimised objective: reconstruction + β · max(KL − free nats, 0).</param>
/// <param name="ReconstructionNats">−log p(x|z), per example.</param>
/// <param name="KlNats">KL(q(z|x) ‖ p(z)), per example.</param>
/// <param name="ElboNats">The negative ELBO (reconstruction + KL), per example: an upper bound on −log p(x).</param>
public sealed record ElboTerms(Tensor Loss, Tensor ReconstructionNats, Tensor KlNats, Tensor ElboNats)
{
    /// <summary>Combines per-example reconstruction and KL terms into the training objective.</summary>
    /// <param name="reconstruction">Per-example reconstruction NLL in nats, shape [batch].</param>
    /// <param name="kl">Per-example KL in nats, shape [batch].</param>
    /// <param name="beta">Weight on the KL term.</param>
    /// <param name="freeBits">KL budget per example, in bits, that is not penalised (Kingma et al., 2016).</param>
    public static ElboTerms Compute(Tensor reconstruction, Tensor kl, double beta, double freeBits)
    {
        // Scalars held, not temporary: see Scalars.
        using var freeNats = (freeBits * Math.Log(2.0)).ToScalar();
        using var zero = 0.0.ToScalar();
        using var weight = beta.ToScalar();
        var klPenalty = kl.sub(freeNats).clamp_min(zero);
        var loss = reconstruction.add(klPenalty.mul(weight), Scalars.One).mean();
        return new ElboTerms(loss, reconstruction.mean(), kl.mean(), reconstruction.add(kl, Scalars.One).mean());
    }
}
