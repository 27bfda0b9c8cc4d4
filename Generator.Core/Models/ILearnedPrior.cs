using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>
/// A prior p(z) that a model learns with its posterior, in place of N(0, I): the trainer's KL, the evaluation's
/// importance weights and the engine's prior samples all go through it (<see cref="IVaeModel.Prior"/>).
/// </summary>
/// <remarks>
/// Why: a model whose code is a sequence (one code per token, per bar, per patch) reads its codes together, but
/// N(0, I) draws every part of the sequence on its own, so a prior sample is a sequence of parts that never met. A
/// prior that predicts each part from the ones before it, trained against the posterior, draws parts that belong
/// together.
/// </remarks>
public interface ILearnedPrior
{
    /// <summary>
    /// KL(q(z|x) ‖ p(z)) per example in nats, shape [batch]. <paramref name="z"/> is the code the decoder is given (a
    /// draw from <paramref name="posterior"/>, or its mean): an autoregressive prior is conditioned on its earlier parts.
    /// </summary>
    Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z);

    /// <summary>log p(z) in nats per row of <paramref name="z"/> ([rows, latent]) for the examples in <paramref name="input"/> (one per row), 2π terms included.</summary>
    Tensor LogDensity(Tensor input, Tensor z);

    /// <summary><paramref name="count"/> draws from the prior, [count, latent], in the model's type and on its device.</summary>
    Tensor Sample(long count, Generator generator);
}
