using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Audio.Models;

/// <summary>
/// A MusicVAE-style hierarchical sequence VAE (hierdec): a bidirectional LSTM reads each segment (bar) on its own and
/// a second one reads the segments' summaries (or, with <see cref="HierarchicalSequenceVaeOptions.SegmentEncoderHidden"/>
/// 0, one bidirectional LSTM reads the whole sequence, as MusicVAE's), giving μ and log σ²; a conductor LSTM turns z
/// into one embedding per segment; each segment is decoded by the bottom LSTM from its embedding alone — its initial
/// state comes from the embedding, the embedding is concatenated to every input, and its first input is empty, so no
/// token crosses a segment boundary. Long-range structure must therefore
/// pass through z and the conductor, which is what keeps a 16-bar melody's shape. Segments decode in parallel.
/// Inputs are token ids of shape [batch, segments × segmentLength] (int64).
/// </summary>
public sealed class HierarchicalSequenceVae : nn.Module<Tensor, Tensor>, IVaeModel
{
    private readonly LSTM? segmentEncoder;
    private readonly LSTM encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear toConductorState;
    private readonly LSTM conductor;
    private readonly Linear toEmbedding;
    private readonly Linear toDecoderState;
    private readonly LSTM decoder;
    private readonly Linear toLogits;

    /// <summary>Builds the model with freshly initialised weights (seed torch's RNG first for reproducibility).</summary>
    public HierarchicalSequenceVae(HierarchicalSequenceVaeOptions options) : base(nameof(HierarchicalSequenceVae))
    {
        Settings = options.Validate();
        var o = options;
        if (o.SegmentEncoderHidden > 0)
            segmentEncoder = nn.LSTM(o.VocabularySize, o.SegmentEncoderHidden, 1, batchFirst: true, bidirectional: true);
        encoder = nn.LSTM(o.SegmentEncoderHidden > 0 ? 2 * o.SegmentEncoderHidden : o.VocabularySize, o.EncoderHidden, o.EncoderLayers,
            batchFirst: true, bidirectional: true);
        toMean = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toLogVariance = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toConductorState = nn.Linear(o.LatentSize, 2L * o.ConductorLayers * o.ConductorHidden);
        conductor = nn.LSTM(o.LatentSize, o.ConductorHidden, o.ConductorLayers, batchFirst: true);
        toEmbedding = nn.Linear(o.ConductorHidden, o.EmbeddingSize);
        toDecoderState = nn.Linear(o.EmbeddingSize, 2L * o.DecoderLayers * o.DecoderHidden);
        decoder = nn.LSTM(o.VocabularySize + o.EmbeddingSize, o.DecoderHidden, o.DecoderLayers, batchFirst: true);
        toLogits = nn.Linear(o.DecoderHidden, o.VocabularySize);
        RegisterComponents();
    }

    /// <summary>The model's sizes.</summary>
    public HierarchicalSequenceVaeOptions Settings { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "hierarchical-sequence-vae";

    /// <inheritdoc />
    public int LatentSize => Settings.LatentSize;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <inheritdoc />
    public long[] RowNoiseShape => [Settings.SequenceLength];

    /// <summary>Teacher-forced logits [batch, steps, vocab] with z = μ (a deterministic forward pass).</summary>
    public override Tensor forward(Tensor tokens) => TeacherForcedLogits(tokens, Encode(tokens).Mean);

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor tokens)
    {
        CheckTokens(tokens);
        var input = OneHot(tokens);
        if (segmentEncoder is not null)
        {
            // Each segment alone (rows b·S + s), then the sequence of segment summaries.
            var batch = tokens.shape[0];
            var segments = input.reshape(batch * Settings.Segments, Settings.SegmentLength, Settings.VocabularySize);
            input = FinalStates(segmentEncoder, segments).reshape(batch, Settings.Segments, 2L * Settings.SegmentEncoderHidden);
        }
        var summary = FinalStates(encoder, input);
        return new DiagonalGaussian(toMean.forward(summary), toLogVariance.forward(summary));
    }

    /// <summary>The conductor's embedding of every segment: [batch, segments, embedding].</summary>
    public Tensor Embeddings(Tensor z)
    {
        var batch = z.shape[0];
        var state = SequenceVae.StateFrom(toConductorState, z, Settings.ConductorLayers, Settings.ConductorHidden);
        // z at every conductor step as well as in its initial state, so no segment is far from the code.
        var (output, _, _) = conductor.forward(z.unsqueeze(1).expand(batch, Settings.Segments, z.shape[1]), state);
        return tanh(toEmbedding.forward(output));
    }

    /// <summary>Teacher-forced logits [batch, steps, vocab] for <paramref name="tokens"/> given z.</summary>
    public Tensor TeacherForcedLogits(Tensor tokens, Tensor z)
    {
        CheckTokens(tokens);
        var (batch, segments, length) = (tokens.shape[0], Settings.Segments, Settings.SegmentLength);
        var rows = Rows(Embeddings(z));
        var segmentTokens = tokens.reshape(batch * segments, length);
        // Previous-token inputs within each segment: an empty first input, then the one-hot of token t−1.
        var previous = F.pad(OneHot(segmentTokens)[.., ..(int)(length - 1), ..], [0, 0, 1, 0]);
        var embedding = rows.unsqueeze(1).expand(batch * segments, length, rows.shape[1]);
        var (output, _, _) = decoder.forward(cat([previous, embedding], 2), SequenceVae.StateFrom(toDecoderState, rows, Settings.DecoderLayers, Settings.DecoderHidden));
        return toLogits.forward(output).reshape(batch, segments * length, Settings.VocabularySize);
    }

    /// <inheritdoc />
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings)
    {
        if (settings.ScheduledSamplingRate > 0)
            throw new NotSupportedException("hierarchical sequence VAEs train with teacher forcing within each segment; scheduled sampling is not supported.");
        var logits = TeacherForcedLogits(tokens, z);
        var v = Settings.VocabularySize;
        var nll = F.cross_entropy(logits.reshape(-1, v), tokens.reshape(-1), reduction: nn.Reduction.None)
            .view(tokens.shape[0], tokens.shape[1]).sum(1);
        long correct;
        using (no_grad())
        {
            correct = logits.argmax(-1).eq(tokens).sum().item<long>();
        }
        return new Reconstruction(nll, correct, tokens.numel());
    }

    /// <inheritdoc />
    public Tensor Generate(Tensor z, GenerationSettings settings)
    {
        var (batch, segments, length) = (z.shape[0], Settings.Segments, Settings.SegmentLength);
        var vocabulary = Settings.VocabularySize;
        var rows = Rows(Embeddings(z)); // [batch × segments, embedding]: every segment decodes at once
        var state = SequenceVae.StateFrom(toDecoderState, rows, Settings.DecoderLayers, Settings.DecoderHidden);
        Tensor? uniform = null, temperatures = null, topPs = null;
        if (settings.Uniform is { } u)
        {
            if (u.dim() != 2 || u.shape[0] != batch || u.shape[1] < segments * length)
                throw new ArgumentException($"per-row noise must have shape [{batch}, ≥{segments * length}]; got [{string.Join(", ", u.shape)}].");
            // Row b's step s·L + j is segment row b·S + s's step j.
            uniform = u.narrow(1, 0, segments * length).reshape(batch * segments, length);
            temperatures = (settings.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures.")).repeat_interleave(segments, 0);
            topPs = settings.TopPs?.repeat_interleave(segments, 0);
        }
        var input = zeros(batch * segments, 1, vocabulary, dtype: z.dtype, device: z.device);
        var step = rows.unsqueeze(1);
        var tokens = new Tensor[length];
        for (var t = 0; t < length; t++)
        {
            var (output, h, c) = decoder.forward(cat([input, step], 2), state);
            state = (h, c);
            var logits = toLogits.forward(output.squeeze(1));
            var next = uniform is not null
                ? TokenSampler.Sample(logits, uniform.select(1, t), temperatures!, topPs)
                : SequenceVae.Choose(logits, settings.Temperature, settings.Generator);
            tokens[t] = next;
            input = OneHot(next.unsqueeze(1));
        }
        return stack(tokens, 1).reshape(batch, segments * length);
    }

    /// <summary>A bidirectional LSTM's last layer's forward and backward final states: [batch, 2 × hidden].</summary>
    private static Tensor FinalStates(LSTM lstm, Tensor input)
    {
        var (_, hN, _) = lstm.forward(input, null);
        var layers = hN.shape[0]; // hN: [layers × 2, batch, hidden]
        return cat([hN[layers - 2], hN[layers - 1]], 1);
    }

    /// <summary>[batch, segments, embedding] as [batch × segments, embedding], batch-major.</summary>
    private static Tensor Rows(Tensor embeddings) => embeddings.reshape(embeddings.shape[0] * embeddings.shape[1], embeddings.shape[2]);

    private Tensor OneHot(Tensor tokens) => F.one_hot(tokens, Settings.VocabularySize).to(toLogits.weight!.dtype);

    private void CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.shape[1] != Settings.SequenceLength)
            throw new ArgumentException($"expected token ids of shape [batch, {Settings.SequenceLength}]; got [{string.Join(", ", tokens.shape)}].");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"expected int64 token ids; got {tokens.dtype}.");
    }
}
