using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>
/// A prior p(z) that a model learns with its posterior, in place of N(0, I): the trainer's KL and the evaluation's
/// importance weights go through it (<see cref="IVaeModel.Prior"/>). Prior samples are decoded from N(0, I) noise
/// with <see cref="GenerationSettings.PriorNoise"/>: the model turns it into codes as it decodes, since each part's
/// prior may depend on what was decoded before it.
/// </summary>
/// <remarks>
/// Why: a model whose code is a sequence (one code per token, per bar, per patch) reads its codes together, but
/// N(0, I) draws every part of the sequence on its own, so a prior sample is a sequence of parts that never met. A
/// prior that predicts each part from what comes before it, trained against the posterior, draws parts that belong
/// together.
/// </remarks>
public interface ILearnedPrior
{
    /// <summary>
    /// KL(q(z|x) ‖ p(z)) per example in nats, shape [batch]. <paramref name="z"/> is the code the decoder is given (a
    /// draw from <paramref name="posterior"/>, or its mean): an autoregressive prior is conditioned on what the decoder
    /// made of the parts before. A model may reuse the work of its last <see cref="IVaeModel.Reconstruct"/> of the same
    /// <paramref name="input"/> and <paramref name="z"/> (the same tensors).
    /// </summary>
    Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z);

    /// <summary>log p(z) in nats per row of <paramref name="z"/> ([rows, latent]) for the examples in <paramref name="input"/> (one per row), 2π terms included.</summary>
    Tensor LogDensity(Tensor input, Tensor z);
}
