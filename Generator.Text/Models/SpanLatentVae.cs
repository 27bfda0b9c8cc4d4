using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Text.Models;

/// <summary>
/// A text VAE with a sequence of latent codes: one Gaussian code per span of <see cref="SentenceVaeOptions.SpanTokens"/>
/// positions instead of one code per snippet. The bidirectional encoder's outputs over each span's real positions are
/// averaged into that span's μ and log σ²; the autoregressive decoder (<see cref="SentenceVae"/>'s, with word dropout
/// and tied output weights) reads, at each step, the code of the span it is predicting.
/// </summary>
/// <remarks>
/// <para>
/// Why: one global code of a few dozen nats cannot carry a sentence's words, so a sentence VAE's variations drift
/// away from their seed (posterior collapse). Codes per span carry the words where they are, as a spatial latent keeps
/// an image's layout; each span still has its own posterior and KL to N(0, I), so this is a VAE, and a variation can
/// move some spans and keep others.
/// </para>
/// <para>
/// z is flat, [batch, spans × latent], span-major, so the modality-free engine handles it as any code. Spans wholly
/// after a row's EOS get the prior (μ = 0, log σ² = 0) and add no KL; the decoder stops before it reads them.
/// Row layout as <see cref="SentenceVae"/>.
/// </para>
/// </remarks>
public sealed class SpanLatentVae : nn.Module<Tensor, Tensor>, ISentenceModel, ILearnedPrior
{
    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "span-latent-vae";

    private readonly Embedding embedding;
    private readonly nn.Module encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly nn.Module decoder;
    private readonly Linear toEmbedding;
    private readonly Parameter outputBias;
    private readonly SentenceDecoder parts;
    private readonly SpanPrior? prior;
    private readonly int spanTokens;

    /// <summary>
    /// Builds the model with freshly initialised weights: drawn from <paramref name="initialization"/> when given, else
    /// from torch's global RNG. <paramref name="options"/> must set <see cref="SentenceVaeOptions.SpanTokens"/>.
    /// </summary>
    public SpanLatentVae(SentenceVaeOptions options, Generator? initialization = null) : base(nameof(SpanLatentVae))
    {
        Settings = Check(options);
        var o = Settings;
        spanTokens = o.SpanTokens!.Value;
        embedding = SentenceDecoder.NewEmbedding(o);
        encoder = SentenceDecoder.Recurrent(o.Cell, o.EmbeddingSize, o.EncoderHidden, 1, bidirectional: true);
        toMean = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toLogVariance = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        outputBias = SentenceDecoder.NewOutputBias(o);
        parts = new SentenceDecoder(o, embedding, o.LatentSize, () => outputBias, spanTokens);
        decoder = parts.Rnn;
        toEmbedding = parts.ToEmbedding;
        if (o.PriorHidden is { } priorHidden)
        {
            prior = new SpanPrior(o.DecoderHidden, o.EmbeddingSize, priorHidden, o.LatentSize, o.PriorComponents ?? 1);
            parts.Prior = prior;
        }
        RegisterComponents();
        if (initialization is not null)
            parts.Initialize(initialization, [(encoder, o.EncoderHidden)], prior is null ? [toMean, toLogVariance] : [toMean, toLogVariance, prior.Layer]);
        prior?.SpreadComponents(initialization);
    }

    /// <summary>Validates <paramref name="options"/> for this kind: they must say how many tokens a span holds.</summary>
    public static SentenceVaeOptions Check(SentenceVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SpanTokens is null)
            throw new ArgumentException($"a {KindName} needs spanTokens (tokens per latent code).");
        return options.Validate();
    }

    /// <inheritdoc />
    public SentenceVaeOptions Settings { get; }

    /// <inheritdoc />
    public Spelling.SpellingConstraint? Spelling { get; set; }

    /// <inheritdoc />
    public bool PackedGeneration
    {
        get => parts.Packed;
        set => parts.Packed = value;
    }

    /// <summary>Codes a prior sample follows per row (<see cref="PriorParticleDecoder"/>; 1: one code per span, drawn and decoded).</summary>
    internal int PriorParticles
    {
        get => parts.PriorParticles;
        set => parts.PriorParticles = value;
    }

    /// <summary>Parts a packed generation's rows are split into, when set (tests).</summary>
    internal int? ThreadParts
    {
        get => parts.ThreadParts;
        set => parts.ThreadParts = value;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    /// <remarks>Every span's code, flat: spans × the latent size per span.</remarks>
    public int LatentSize => Settings.Spans * Settings.LatentSize;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <inheritdoc />
    /// <remarks>
    /// Noise scaled by the seed's posterior: its spans' posteriors are narrow, so a prior draw (the slerp's other end)
    /// lies far outside them, while σ-scaled noise moves the words the encoder is unsure of and keeps the rest.
    /// </remarks>
    public Core.Variation.VariationNeighbourhood Neighbourhood => Core.Variation.VariationNeighbourhood.PosteriorNoise;

    /// <inheritdoc />
    /// <remarks>
    /// The learned prior when <see cref="SentenceVaeOptions.PriorHidden"/> is set (<see cref="SpanPrior"/>: each span's
    /// Gaussian from the decoder's state and the token before the span); else N(0, I) per span.
    /// </remarks>
    public ILearnedPrior? Prior => prior is null ? null : this;

    /// <inheritdoc />
    /// <remarks>
    /// Spans wholly after a row's EOS add nothing (their posterior is N(0, I) and the decoder never reads them). With a
    /// mixture prior this is the variational bound of <see cref="SpanPriorMixture.KlFrom"/>, never below the true KL.
    /// </remarks>
    Tensor ILearnedPrior.Kl(Tensor input, DiagonalGaussian posterior, Tensor z)
    {
        var batch = z.shape[0];
        var shape = new long[] { batch, Settings.Spans, Settings.LatentSize };
        var perSpan = SpanPriors(input, z).KlFrom(new DiagonalGaussian(posterior.Mean.view(shape), posterior.LogVariance.view(shape)));
        return perSpan.mul(RealSpans(input).to(perSpan.dtype)).sum(1);
    }

    /// <inheritdoc />
    /// <remarks>Spans wholly after a row's EOS are scored by N(0, I), the posterior they have.</remarks>
    Tensor ILearnedPrior.LogDensity(Tensor input, Tensor z)
    {
        var spans = z.view(z.shape[0], Settings.Spans, Settings.LatentSize);
        var learned = SpanPriors(input, z).LogDensity(spans);
        using var half = 0.5.ToScalar();
        using var two = 2.ToScalar();
        using var logTwoPi = (Math.Log(2 * Math.PI) * Settings.LatentSize).ToScalar();
        // −½ (log 2π + z²) under N(0, I) after EOS.
        var standard = spans.pow(two).sum(2).add(logTwoPi).mul(half).neg();
        return where(RealSpans(input), learned, standard).sum(1);
    }

    /// <summary>
    /// Each span's learned prior ([batch, spans, …]) for <paramref name="tokens"/> decoded with <paramref name="z"/>:
    /// from the decoder pass of the last <see cref="Reconstruct"/> of these same tensors (the trainer's KL follows it),
    /// else from a pass without word dropout.
    /// </summary>
    internal SpanPriorMixture SpanPriors(Tensor tokens, Tensor z)
    {
        var pass = lastPass;
        var hidden = pass is not null && ReferenceEquals(pass.Tokens, tokens) && ReferenceEquals(pass.Z, z) && !pass.Hidden.IsInvalid
            ? pass.Hidden
            : parts.Outputs(parts.Inputs(tokens, training: false, null), z);
        return parts.SpanPriors(prior!, tokens, hidden);
    }

    /// <summary>The tensors of one teacher-forced decoder pass (held by reference; a later pass replaces them).</summary>
    private sealed record DecoderPass(Tensor Tokens, Tensor Z, Tensor Hidden);

    private DecoderPass? lastPass;

    /// <inheritdoc cref="SentenceVae.RowNoiseShape" />
    /// <remarks>Twice as wide with a mixture prior: its prior samples choose each code's component (<see cref="SentenceDecoder.RowNoiseWidth"/>).</remarks>
    public long[] RowNoiseShape => [parts.RowNoiseWidth];

    /// <inheritdoc cref="SentenceVae.PredictedElements" />
    public Tensor PredictedElements(Tensor tokens) => parts.PredictedElements(tokens);

    /// <summary>Teacher-forced logits [batch, steps − 1, vocab] of each next token with z = μ (deterministic).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var z = Encode(tokens).Mean;
        return parts.Logits(parts.Outputs(parts.Inputs(tokens, training, null), z));
    }

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor tokens)
    {
        var lengths = parts.CheckTokens(tokens);
        var batch = tokens.shape[0];
        var width = tokens.shape[1];
        var o = Settings;
        using var packed = pack_padded_sequence(embedding.call(tokens), lengths, batch_first: true, enforce_sorted: false);
        PackedSequence output = encoder switch
        {
            LSTM lstm => lstm.call(packed, null).Item1,
            GRU gru => gru.call(packed, null).Item1,
            _ => throw new InvalidOperationException("unknown encoder cell."),
        };
        // [batch, width, 2 × hidden], rows in input order, zero after each row's EOS.
        var (states, _) = pad_packed_sequence(output, batch_first: true, total_length: width);
        output.Dispose();
        // The predicted positions (1 … width − 1), padded with empty positions to whole spans of the model's full width.
        var real = PredictedPositions(tokens).to(states.dtype);
        var predicted = states.narrow(1, 1, width - 1);
        if (real.shape[1] > width - 1) predicted = F.pad(predicted, [0, 0, 0, real.shape[1] - (width - 1)]);
        var features = predicted.shape[2];
        var sums = predicted.mul(real.unsqueeze(2)).view(batch, o.Spans, spanTokens, features).sum(2);
        var counts = real.view(batch, o.Spans, spanTokens).sum(2);
        using var one = 1.ToScalar();
        var pooled = sums.div(counts.clamp_min(one).unsqueeze(2));
        using var zero = 0.ToScalar();
        var empty = counts.eq(zero).unsqueeze(2);
        var mean = toMean.forward(pooled).masked_fill(empty, zero);
        var logVariance = toLogVariance.forward(pooled).masked_fill(empty, zero);
        return new DiagonalGaussian(mean.reshape(batch, LatentSize), logVariance.reshape(batch, LatentSize));
    }

    /// <summary>[batch, spans] bools: true where a span holds at least one predicted (non-padding) position of <paramref name="tokens"/>.</summary>
    private Tensor RealSpans(Tensor tokens) => PredictedPositions(tokens).view(tokens.shape[0], Settings.Spans, spanTokens).any(2);

    /// <summary>
    /// [batch, spans × span tokens] bools: true at each predicted (non-padding) position of <paramref name="tokens"/>
    /// after the BOS, padded with false to whole spans of the model's full width.
    /// </summary>
    private Tensor PredictedPositions(Tensor tokens)
    {
        var width = tokens.shape[1];
        using var pad = Settings.PadId.ToScalar();
        var real = tokens.narrow(1, 1, width - 1).ne(pad);
        var positions = (long)Settings.Spans * spanTokens;
        return positions > width - 1 ? F.pad(real, [0, positions - (width - 1)]) : real;
    }

    /// <inheritdoc cref="SentenceVae.Reconstruct" />
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings)
    {
        if (prior is null) return parts.Reconstruct(tokens, z, settings, training);
        var (reconstruction, hidden) = parts.ReconstructWithOutputs(tokens, z, settings, training);
        lastPass = new DecoderPass(tokens, z, hidden);
        return reconstruction;
    }

    /// <inheritdoc cref="SentenceVae.Generate" />
    /// <remarks>With <see cref="GenerationSettings.PriorNoise"/> and a learned prior, each span's code is drawn from its prior as the row is decoded.</remarks>
    public Tensor Generate(Tensor z, GenerationSettings settings) => parts.Generate(z.shape[0], z, z.device, settings, Spelling);
}
