using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace VaeCreative.Text.Models;

/// <summary>
/// A sentence VAE after Bowman et al. 2016, "Generating Sentences from a Continuous Space": token embeddings, a
/// bidirectional LSTM (or GRU) encoder over the real tokens of each row gives μ and log σ²; z sets the decoder's
/// initial state (dense + tanh) and is concatenated to every decoder input; word dropout on the decoder's inputs
/// during training; the output layer shares the embedding's weights (Press and Wolf 2017), which halves the
/// parameters of a small-vocabulary model.
/// </summary>
/// <remarks>
/// Input and output rows have one layout: <c>BOS, tokens…, EOS, PAD…</c> (int64, shape [batch, steps],
/// steps ≤ <see cref="SentenceVaeOptions.MaxTokens"/>; padding only after EOS). <see cref="Generate"/> returns rows of
/// exactly <see cref="SentenceVaeOptions.MaxTokens"/> positions in that layout, so a generated row compares
/// position by position with a seed padded to that width (the variation engine's copy check). A row that reaches the
/// limit gets EOS in its last position, so every generated row is also a valid input.
/// </remarks>
public sealed class SentenceVae : nn.Module<Tensor, Tensor>, ISentenceModel
{
    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "sentence-vae";

    // The state dict's names and order. The decoder's layers are those of `parts` (not a module itself), registered
    // here under the names saved models have; `parts` reads `outputBias` here (Module.to replaces it).
    private readonly Embedding embedding;
    private readonly nn.Module encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear toDecoderState;
    private readonly nn.Module decoder;
    private readonly Linear toEmbedding;
    private readonly Parameter outputBias;
    private readonly SentenceDecoder parts;

    /// <summary>
    /// Builds the model with freshly initialised weights: drawn from <paramref name="initialization"/> when given (the
    /// same weights whatever other threads do with torch's global RNG meanwhile, which a training run needs to be
    /// reproducible in a busy process), else from the global RNG (seed it first for reproducibility).
    /// </summary>
    public SentenceVae(SentenceVaeOptions options, Generator? initialization = null) : base(nameof(SentenceVae))
    {
        Settings = options.Validate();
        var o = options;
        // Built in the order of the registered fields: without an initialization generator, the global RNG's draws
        // give the weights they always did.
        embedding = SentenceDecoder.NewEmbedding(o);
        encoder = SentenceDecoder.Recurrent(o.Cell, o.EmbeddingSize, o.EncoderHidden, 1, bidirectional: true);
        toMean = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toLogVariance = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        outputBias = SentenceDecoder.NewOutputBias(o); // zeros: draws nothing
        parts = new SentenceDecoder(o, embedding, o.LatentSize, () => outputBias);
        toDecoderState = parts.ToState!;
        decoder = parts.Rnn;
        toEmbedding = parts.ToEmbedding;
        RegisterComponents();
        // The draw order (embedding, encoder, decoder, μ, log σ², state, projection) is what seeded runs have always used.
        if (initialization is not null) parts.Initialize(initialization, [(encoder, o.EncoderHidden)], [toMean, toLogVariance]);
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
    public int LatentSize => Settings.LatentSize;

    /// <inheritdoc />
    /// <remarks>True: z sets the decoder's state and joins every input.</remarks>
    public bool UsesLatent => true;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <summary>
    /// One uniform per output position (<see cref="SentenceVaeOptions.MaxTokens"/>): position t samples with
    /// <c>uniform[row, t]</c>; the first (BOS) and last (EOS) positions use none.
    /// </summary>
    public long[] RowNoiseShape => [Settings.MaxTokens];

    /// <inheritdoc />
    /// <remarks>Every position after the BOS that is not padding: the tokens and the EOS.</remarks>
    public Tensor PredictedElements(Tensor tokens) => parts.PredictedElements(tokens);

    /// <summary>The id word dropout puts in place of a decoder input (one past the vocabulary; never predicted).</summary>
    public int MaskId => parts.MaskId;

    /// <summary>Teacher-forced logits [batch, steps − 1, vocab] of each next token with z = μ (deterministic).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var z = Encode(tokens).Mean;
        return parts.Logits(parts.Outputs(DecoderInputs(tokens, null), z));
    }

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor tokens)
    {
        var lengths = parts.CheckTokens(tokens);
        // Packing runs each direction over a row's real tokens only, so padding never reaches the posterior: the
        // backward direction starts at the row's EOS, not at the batch's last column.
        using var packed = pack_padded_sequence(embedding.call(tokens), lengths, batch_first: true, enforce_sorted: false);
        Tensor final;
        switch (encoder)
        {
            case LSTM lstm:
            {
                var (output, h, _) = lstm.call(packed, null);
                output.Dispose();
                final = h;
                break;
            }
            case GRU gru:
            {
                var (output, h) = gru.call(packed, null);
                output.Dispose();
                final = h;
                break;
            }
            default:
                throw new InvalidOperationException("unknown encoder cell.");
        }
        // final: [2, batch, hidden] for one bidirectional layer, rows in input order (the RNN undoes packing's sort).
        var summary = cat([final[0], final[1]], 1);
        return new DiagonalGaussian(toMean.forward(summary), toLogVariance.forward(summary));
    }

    /// <inheritdoc />
    /// <remarks>
    /// NLL is summed over each row's real targets (its tokens and EOS); padding adds nothing. Correct/Total count
    /// those targets only. Logits are computed for real targets only: at 8000 tokens the output layer is the largest
    /// cost, and padding would otherwise pay for it.
    /// </remarks>
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings) =>
        parts.Reconstruct(tokens, z, settings, training);

    /// <inheritdoc />
    /// <remarks>
    /// Autoregressive from BOS; PAD and BOS are never drawn. Each row samples by inverse CDF
    /// (<see cref="TokenSampler"/>) from its own uniforms: <see cref="GenerationSettings.Uniform"/> when given, else
    /// uniforms drawn from <see cref="GenerationSettings.Generator"/> with the call's temperature and nucleus.
    /// Everything after a row's first EOS is PAD; a row still going at the last position ends there with EOS.
    /// Decoding stops once every row has ended.
    /// </remarks>
    public Tensor Generate(Tensor z, GenerationSettings settings) => parts.Generate(z.shape[0], z, z.device, settings, Spelling);

    /// <summary>
    /// The decoder's inputs [batch, steps − 1]: each row without its last position; in training mode, word dropout
    /// replaces real tokens after BOS by <see cref="MaskId"/> with probability <see cref="SentenceVaeOptions.WordDropout"/>.
    /// </summary>
    internal Tensor DecoderInputs(Tensor tokens, Generator? generator) => parts.Inputs(tokens, training, generator);
}
