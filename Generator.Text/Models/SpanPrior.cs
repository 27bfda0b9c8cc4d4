using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// The learned prior of a <see cref="SpanLatentVae"/> (<see cref="SentenceVaeOptions.PriorHidden"/>): each span's code
/// has the Gaussian p(z_s | decoder state before the span, the token before it), from a small network of one tanh layer,
/// trained with the model through its KL (Chung et al. 2015's recurrent VAE prior). Its output layers start at zero,
/// so the prior starts as N(0, I).
/// </summary>
/// <remarks>
/// Why: the codes carry the words, so N(0, I) draws for each span on its own decode to words that never met (word
/// salad). Conditioned on what the decoder has read and written so far, a span's prior puts its mass on the codes of
/// words that can follow, and the KL teaches the encoder to place codes where the prior can predict them. Two priors
/// were not enough: one fitted after training, with the codes fixed, and one over the earlier codes alone (see the
/// text model card).
/// </remarks>
internal sealed class SpanPrior : nn.Module
{
    /// <summary>log σ² of a span's prior is kept within these bounds (σ from 0.0025 to 20), so exp and division stay finite.</summary>
    private const double MinLogVariance = -12, MaxLogVariance = 6;

    private readonly Linear layer;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;

    /// <summary>A prior for codes of <paramref name="latent"/> numbers read from a decoder state of <paramref name="state"/> units and a token embedding of <paramref name="embedding"/>.</summary>
    public SpanPrior(int state, int embedding, int hidden, int latent) : base(nameof(SpanPrior))
    {
        layer = nn.Linear(state + embedding, hidden);
        toMean = nn.Linear(hidden, latent);
        toLogVariance = nn.Linear(hidden, latent);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var head in new[] { toMean, toLogVariance })
        {
            head.weight!.zero_();
            head.bias!.zero_();
        }
    }

    /// <summary>The dense layer before the heads, for the model's seeded initialisation (the heads stay at zero).</summary>
    public Linear Layer => layer;

    /// <summary>The prior of the codes read next, from the decoder's state before the step [..., state] and the step's embedded input token [..., embedding].</summary>
    public DiagonalGaussian Of(Tensor stateBefore, Tensor embeddedInput)
    {
        var features = tanh(layer.call(cat([stateBefore, embeddedInput], -1)));
        return new DiagonalGaussian(toMean.call(features), toLogVariance.call(features).clamp(MinLogVariance, MaxLogVariance));
    }
}
