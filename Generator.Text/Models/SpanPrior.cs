using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// The learned prior of a <see cref="SpanLatentVae"/> (<see cref="SentenceVaeOptions.PriorHidden"/>): a GRU reads the
/// codes of the spans before each span and gives that span's Gaussian, p(z_t | z_&lt;t) = N(μ_t, σ_t²), trained with
/// the model through its KL. Its output layers start at zero, so the prior starts as N(0, I).
/// </summary>
/// <remarks>
/// Why: the codes carry the words, so N(0, I) draws for each span on its own decode to words that never met (word
/// salad). Conditioned on the codes before it, a span's prior puts its mass on codes of words that follow them, and
/// the KL teaches the encoder to place codes where the prior can predict them. A prior fitted after training, with the
/// codes fixed, had not been enough (see the text model card). Spans wholly after a row's EOS keep N(0, I) and
/// add no KL, as in <see cref="SpanLatentVae"/>.
/// </remarks>
internal sealed class SpanPrior : nn.Module, ILearnedPrior
{
    /// <summary>log σ² of a span's prior is kept within these bounds (σ from 0.0025 to 20), so exp and division stay finite.</summary>
    private const double MinLogVariance = -12, MaxLogVariance = 6;

    private readonly GRU rnn;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly int spans;
    private readonly int latent;
    private readonly int hidden;
    private readonly Func<Tensor, Tensor> realSpans;

    /// <summary>
    /// A prior over <paramref name="spans"/> codes of <paramref name="latent"/> numbers with a GRU of
    /// <paramref name="hidden"/> units; <paramref name="realSpans"/> maps a token batch to [batch, spans] bools,
    /// true where a span holds a predicted position.
    /// </summary>
    public SpanPrior(int spans, int latent, int hidden, Func<Tensor, Tensor> realSpans) : base(nameof(SpanPrior))
    {
        this.spans = spans;
        this.latent = latent;
        this.hidden = hidden;
        this.realSpans = realSpans;
        rnn = nn.GRU(latent, hidden, 1, batchFirst: true);
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

    /// <summary>The recurrent layer and its width, for the model's seeded initialisation.</summary>
    public (nn.Module Rnn, int Hidden) Recurrent => (rnn, hidden);

    /// <summary>p(z_t | z_&lt;t) for every span of <paramref name="z"/> ([batch, spans × latent]), flat as z.</summary>
    public DiagonalGaussian Conditional(Tensor z)
    {
        var batch = z.shape[0];
        var codes = z.view(batch, spans, latent);
        // Span t reads the codes before it: the inputs are the codes shifted one span on, after a zero code.
        var inputs = torch.nn.functional.pad(codes.narrow(1, 0, spans - 1), [0, 0, 1, 0]);
        var (outputs, state) = rnn.call(inputs, null);
        state.Dispose();
        return Heads(outputs, batch, spans);
    }

    /// <inheritdoc />
    public Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z)
    {
        var prior = Conditional(z);
        var batch = z.shape[0];
        var elements = posterior.KlElementsTo(prior).view(batch, spans, latent).sum(2);
        return elements.mul(realSpans(input).to(elements.dtype)).sum(1);
    }

    /// <inheritdoc />
    public Tensor LogDensity(Tensor input, Tensor z)
    {
        var prior = Conditional(z);
        var batch = z.shape[0];
        using var half = 0.5.ToScalar();
        using var logTwoPi = (Math.Log(2 * Math.PI) * z.shape[1]).ToScalar();
        using var two = 2.ToScalar();
        // −½ (log 2π + log σ² + (z − μ)² / σ²) under the learned prior; −½ (log 2π + z²) under N(0, I) after EOS.
        var learned = z.sub(prior.Mean).pow(two).div(prior.LogVariance.exp()).add(prior.LogVariance, Scalars.One)
            .view(batch, spans, latent).sum(2);
        var standard = z.pow(two).view(batch, spans, latent).sum(2);
        var real = realSpans(input);
        return where(real, learned, standard).sum(1).add(logTwoPi).mul(half).neg();
    }

    /// <inheritdoc />
    public Tensor Sample(long count, Generator generator)
    {
        var dtype = toMean.weight!.dtype;
        var device = toMean.weight.device;
        var code = zeros(count, 1, latent, dtype: dtype, device: device);
        Tensor? state = null;
        var codes = new Tensor[spans];
        for (var t = 0; t < spans; t++)
        {
            var (output, next) = rnn.call(code, state);
            state = next;
            var gaussian = Heads(output, count, 1);
            code = gaussian.Mean.add(gaussian.StdDev.mul(randn(gaussian.Mean.shape, dtype: dtype, device: device, generator: generator)), Scalars.One)
                .view(count, 1, latent);
            codes[t] = code;
        }
        return cat(codes, 1).view(count, spans * latent);
    }

    private DiagonalGaussian Heads(Tensor outputs, long batch, long steps) => new(
        toMean.call(outputs).reshape(batch, steps * latent),
        toLogVariance.call(outputs).clamp(MinLogVariance, MaxLogVariance).reshape(batch, steps * latent));
}
