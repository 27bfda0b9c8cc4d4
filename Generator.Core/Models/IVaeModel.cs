using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>
/// What the trainer and the variation engine need from a VAE, whatever the modality:
/// encode a batch to a posterior, score a reconstruction, and generate from latent codes.
/// </summary>
public interface IVaeModel : IDisposable
{
    /// <summary>The model kind written to manifests, e.g. <c>sequence-vae</c>.</summary>
    string Kind { get; }

    /// <summary>Size of z.</summary>
    int LatentSize { get; }

    /// <summary>
    /// Whether outputs depend on z. A model that ignores it (a language-model baseline, whose posterior is the prior)
    /// has no latent space: it can sample, but a seed cannot be varied or interpolated, and its importance-weighted NLL
    /// is exact with one sample.
    /// </summary>
    bool UsesLatent => true;

    /// <summary>The underlying TorchSharp module (parameters, train/eval, save/load).</summary>
    nn.Module Module { get; }

    /// <summary>The hyper-parameters as a JSON-serialisable object for the manifest.</summary>
    object Options { get; }

    /// <summary>q(z|x) for a batch of inputs.</summary>
    DiagonalGaussian Encode(Tensor input);

    /// <summary>
    /// Per-example reconstruction NLL in nats (shape [batch]) of <paramref name="input"/> given
    /// <paramref name="z"/>, plus per-element accuracy counts where the modality has discrete outputs.
    /// </summary>
    Reconstruction Reconstruct(Tensor input, Tensor z, ReconstructionSettings settings);

    /// <summary>Generates one output per row of <paramref name="z"/> (token ids, pixels, …).</summary>
    Tensor Generate(Tensor z, GenerationSettings settings);

    /// <summary>
    /// Shape of the uniform noise one row of <see cref="Generate"/> consumes when the caller supplies it
    /// (<see cref="GenerationSettings.Uniform"/>): [steps] for a token decoder (one uniform per step, see
    /// <see cref="TokenSampler"/>), [channels, height, width] for a pixel decoder.
    /// </summary>
    long[] RowNoiseShape { get; }

    /// <summary>
    /// The noise shape of one row of <see cref="Generate"/> for <paramref name="codes"/> [rows, ..]: <see cref="RowNoiseShape"/>
    /// unless the output's size follows the code's (a spatial image latent, whose output is as large as the latent allows).
    /// </summary>
    long[] RowNoiseShapeOf(Tensor codes) => RowNoiseShape;

    /// <summary>
    /// The shape of one example's code: [<see cref="LatentSize"/>] for a vector latent; [channels, height, width] for a
    /// spatial one, whose codes keep that shape through encoding, variation and decoding (and whose height and width follow
    /// the input's: this is the shape of a prior sample).
    /// </summary>
    long[] LatentShape => [LatentSize];

    /// <summary>
    /// Values one example holds, when every example holds the same number (an image's channels × height × width): what
    /// bits per dimension divide by. Null for sequences of varying length.
    /// </summary>
    long? DimensionsPerExample => null;

    /// <summary>
    /// The elements of <paramref name="input"/> the decoder predicts, as a bool tensor of its shape, for scoring a
    /// decode against its input (sampled accuracy); null when it predicts every element. A text model leaves out the
    /// BOS it is given and the padding after EOS.
    /// </summary>
    Tensor? PredictedElements(Tensor input) => null;

    /// <summary>Where the variation engine draws this model's variations (default: slerp toward a prior draw).</summary>
    Variation.VariationNeighbourhood Neighbourhood => Variation.VariationNeighbourhood.PriorSlerp;

    /// <summary>The model's learned prior, or null for N(0, I) (the default).</summary>
    ILearnedPrior? Prior => null;

    /// <summary>KL(q(z|x) ‖ p(z)) per example, shape [batch], under <see cref="Prior"/> (N(0, I) when there is none).</summary>
    Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z) =>
        Prior is { } prior ? prior.Kl(input, posterior, z) : posterior.KlToStandardNormal();
}
