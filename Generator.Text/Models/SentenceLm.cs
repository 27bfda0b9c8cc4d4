using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// The language-model baseline of a <see cref="SentenceVae"/> (what Bowman et al. 2016 measure their VAE against): exactly its decoder
/// (<see cref="SentenceDecoder"/>: the same embedding, tied output layer, recurrent sizes and word dropout) with no
/// latent code: the state starts at zero and the inputs are the token embeddings alone. The encoder's size and the
/// latent size of <see cref="SentenceVaeOptions"/> do not apply (<see cref="SentenceVaeOptions.LatentSize"/> must be 1).
/// </summary>
/// <remarks>
/// <para>So that <c>train</c>, <c>eval</c> and the latent figures treat it as any other model, it is an
/// <see cref="IVaeModel"/> whose posterior carries no information and costs nothing: q(z|x) is N(0, 1) over a
/// one-dimensional z for every x, and the decoder never reads z. Hence KL(q ‖ p) = 0 exactly (the training loss is the
/// NLL alone, whatever the β schedule and free bits), every posterior mean is 0 (no active units), and q(z) = q(z|x)
/// (no mutual information; the estimator <c>eval</c> uses reports it within about √(1/2N) nats of 0 for N
/// examples). In the importance-weighted bound −log (1/K Σ_k p(x|z_k) p(z_k) / q(z_k|x)) every weight equals p(x),
/// because p(z_k) = q(z_k|x) and p(x|z_k) = p(x) for every z_k: the bound is the exact NLL for any K, up to float
/// rounding, so <c>eval</c>'s NLL and perplexity of a language model are exact, and a VAE's bound compares with them
/// as Bowman's table does.</para>
/// <para>Sampling works as for the VAE (<see cref="Generate"/> ignores z); a language model has no latent space to
/// vary or interpolate in (<see cref="UsesLatent"/> is false).</para>
/// </remarks>
public sealed class SentenceLm : nn.Module<Tensor, Tensor>, ISentenceModel
{
    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "sentence-lm";

    // The same names as a VAE's decoder layers (see SentenceVae); `parts` is not a module, and reads `outputBias` here.
    private readonly Embedding embedding;
    private readonly nn.Module decoder;
    private readonly Linear toEmbedding;
    private readonly Parameter outputBias;
    private readonly SentenceDecoder parts;

    /// <summary>
    /// Builds the model with freshly initialised weights: drawn from <paramref name="initialization"/> when given (as
    /// a VAE's decoder layers are), else from the global RNG.
    /// </summary>
    public SentenceLm(SentenceVaeOptions options, Generator? initialization = null) : base(nameof(SentenceLm))
    {
        Settings = Check(options);
        embedding = SentenceDecoder.NewEmbedding(options);
        outputBias = SentenceDecoder.NewOutputBias(options);
        parts = new SentenceDecoder(options, embedding, latentSize: 0, () => outputBias);
        decoder = parts.Rnn;
        toEmbedding = parts.ToEmbedding;
        RegisterComponents();
        if (initialization is not null) parts.Initialize(initialization, [], []);
    }

    /// <summary>
    /// Checks <paramref name="options"/> for a language model: valid (<see cref="SentenceVaeOptions.Validate"/>), with
    /// latent size 1; throws <see cref="ArgumentException"/> otherwise. Returns them.
    /// </summary>
    public static SentenceVaeOptions Check(SentenceVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.LatentSize != 1)
            throw new ArgumentException(
                $"a {KindName} has no latent code; its latent size (of the uninformative posterior eval sees) must be 1, not {options.LatentSize}.",
                nameof(options));
        return options;
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

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    /// <remarks>1: the size of the fixed N(0, 1) posterior.</remarks>
    public int LatentSize => 1;

    /// <inheritdoc />
    /// <remarks>False: the decoder never reads z.</remarks>
    public bool UsesLatent => false;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <inheritdoc cref="SentenceVae.RowNoiseShape" />
    public long[] RowNoiseShape => [Settings.MaxTokens];

    /// <inheritdoc cref="SentenceVae.PredictedElements" />
    public Tensor PredictedElements(Tensor tokens) => parts.PredictedElements(tokens);

    /// <summary>Teacher-forced logits [batch, steps − 1, vocab] of each next token.</summary>
    public override Tensor forward(Tensor tokens)
    {
        parts.CheckTokens(tokens);
        return parts.Logits(parts.Outputs(parts.Inputs(tokens, training: false, null), null));
    }

    /// <inheritdoc />
    /// <remarks>N(0, 1) for every row (mean and log-variance zero, shape [batch, 1]), whatever the tokens: see the class remarks.</remarks>
    public DiagonalGaussian Encode(Tensor tokens)
    {
        parts.CheckTokens(tokens);
        var shape = new long[] { tokens.shape[0], 1 };
        var dtype = embedding.weight!.dtype;
        return new DiagonalGaussian(zeros(shape, dtype: dtype, device: tokens.device), zeros(shape, dtype: dtype, device: tokens.device));
    }

    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="z"/> is ignored: the NLL is the language model's, summed over each row's real targets (its
    /// tokens and EOS) as <see cref="SentenceVae.Reconstruct"/> sums them; word dropout applies in training mode.
    /// </remarks>
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings) =>
        parts.Reconstruct(tokens, null, settings, training);

    /// <inheritdoc />
    /// <remarks>One row per row of <paramref name="z"/>, whose values are ignored; otherwise as <see cref="SentenceVae.Generate"/>.</remarks>
    public Tensor Generate(Tensor z, GenerationSettings settings) => parts.Generate(z.shape[0], null, z.device, settings, Spelling);
}
