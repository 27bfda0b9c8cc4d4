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
public sealed class SentenceVae : nn.Module<Tensor, Tensor>, IVaeModel
{
    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "sentence-vae";

    private readonly Embedding embedding;
    private readonly nn.Module encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear toDecoderState;
    private readonly nn.Module decoder;
    private readonly Linear toEmbedding;
    private readonly Parameter outputBias;

    /// <summary>
    /// Builds the model with freshly initialised weights: drawn from <paramref name="initialization"/> when given (the
    /// same weights whatever other threads do with torch's global RNG meanwhile, which a training run needs to be
    /// reproducible in a busy process), else from the global RNG (seed it first for reproducibility).
    /// </summary>
    public SentenceVae(SentenceVaeOptions options, Generator? initialization = null) : base(nameof(SentenceVae))
    {
        Settings = options.Validate();
        var o = options;
        // One row more than the vocabulary: the mask token word dropout puts in (an input only, never predicted).
        embedding = nn.Embedding(o.VocabularySize + 1, o.EmbeddingSize);
        encoder = Recurrent(o.Cell, o.EmbeddingSize, o.EncoderHidden, 1, bidirectional: true);
        toMean = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toLogVariance = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toDecoderState = nn.Linear(o.LatentSize, (long)StateParts * o.DecoderLayers * o.DecoderHidden);
        decoder = Recurrent(o.Cell, o.EmbeddingSize + o.LatentSize, o.DecoderHidden, o.DecoderLayers, bidirectional: false);
        toEmbedding = nn.Linear(o.DecoderHidden, o.EmbeddingSize);
        outputBias = new Parameter(zeros(o.VocabularySize));
        RegisterComponents();
        if (initialization is not null) Initialize(initialization);
    }

    /// <summary>The model's sizes and token ids.</summary>
    public SentenceVaeOptions Settings { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int LatentSize => Settings.LatentSize;

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
    public Tensor PredictedElements(Tensor tokens)
    {
        using var pad = Settings.PadId.ToScalar();
        using var no = false.ToScalar(); // held, not temporary: see Scalars
        var real = tokens.ne(pad);
        real.select(1, 0).fill_(no);
        return real;
    }

    /// <summary>The id word dropout puts in place of a decoder input (one past the vocabulary; never predicted).</summary>
    public int MaskId => Settings.VocabularySize;

    private int StateParts => Settings.Cell == RecurrentCell.Lstm ? 2 : 1;

    /// <summary>Teacher-forced logits [batch, steps − 1, vocab] of each next token with z = μ (deterministic).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var z = Encode(tokens).Mean;
        var hidden = DecoderOutputs(DecoderInputs(tokens, null), z);
        return Logits(hidden);
    }

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor tokens)
    {
        var lengths = CheckTokens(tokens);
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
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings)
    {
        CheckTokens(tokens);
        var batch = tokens.shape[0];
        var targetSteps = tokens.shape[1] - 1;
        var inputs = DecoderInputs(tokens, settings.Generator);
        var hidden = settings.ScheduledSamplingRate > 0
            ? ScheduledSamplingOutputs(inputs, z, settings.ScheduledSamplingRate, settings.Generator)
            : DecoderOutputs(inputs, z);
        using var pad = Settings.PadId.ToScalar();
        var real = tokens.narrow(1, 1, targetSteps).ne(pad).reshape(-1);
        var positions = real.nonzero().squeeze(1);
        var targets = tokens.narrow(1, 1, targetSteps).reshape(-1).index_select(0, positions);
        var logits = Logits(hidden.reshape(-1, hidden.shape[2]).index_select(0, positions));
        var perTarget = F.cross_entropy(logits, targets, reduction: nn.Reduction.None);
        var nll = zeros(batch * targetSteps, dtype: perTarget.dtype, device: perTarget.device)
            .masked_scatter(real, perTarget).view(batch, targetSteps).sum(1);
        long correct;
        using (no_grad())
        {
            correct = logits.argmax(-1).eq(targets).sum().item<long>();
        }
        return new Reconstruction(nll, correct, positions.shape[0]);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Autoregressive from BOS; PAD and BOS are never drawn. Each row samples by inverse CDF
    /// (<see cref="TokenSampler"/>) from its own uniforms: <see cref="GenerationSettings.Uniform"/> when given, else
    /// uniforms drawn from <see cref="GenerationSettings.Generator"/> with the call's temperature and nucleus.
    /// Everything after a row's first EOS is PAD; a row still going at the last position ends there with EOS.
    /// Decoding stops once every row has ended.
    /// </remarks>
    public Tensor Generate(Tensor z, GenerationSettings settings)
    {
        var rows = z.shape[0];
        var steps = Settings.MaxTokens;
        var device = z.device;
        Tensor uniform, temperatures;
        Tensor? topPs;
        if (settings.Uniform is { } u)
        {
            if (u.dim() != 2 || u.shape[0] != rows || u.shape[1] < steps)
                throw new ArgumentException($"per-row noise must have shape [{rows}, ≥{steps}]; got [{string.Join(", ", u.shape)}].");
            uniform = u;
            temperatures = settings.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures.");
            topPs = settings.TopPs;
        }
        else
        {
            uniform = rand([rows, steps], device: device, generator: settings.Generator);
            using var temperature = settings.Temperature.ToScalar(); // held, not temporary: see Scalars
            temperatures = full(rows, temperature, device: device);
            using var topP = settings.TopP.ToScalar();
            topPs = settings.TopP < 1 ? full(rows, topP, device: device) : null;
        }

        using var pad = Settings.PadId.ToScalar();
        using var bos = Settings.BosId.ToScalar();
        using var eos = Settings.EosId.ToScalar();
        using var minusInfinity = double.NegativeInfinity.ToScalar();
        var banned = zeros(Settings.VocabularySize, dtype: embedding.weight!.dtype, device: device)
            .index_fill_(0, tensor(new long[] { Settings.PadId, Settings.BosId }, device: device), minusInfinity);

        var output = full([rows, steps], pad, dtype: ScalarType.Int64, device: device);
        output.select(1, 0).fill_(bos);
        var zStep = z.unsqueeze(1);
        var state = InitialState(z);
        var input = full([rows], bos, dtype: ScalarType.Int64, device: device);
        var finished = zeros(rows, dtype: ScalarType.Bool, device: device);
        // The last position is reserved for EOS, so every output is also a valid input (a variation can be varied).
        for (var t = 1; t < steps - 1; t++)
        {
            var previous = (State: state, Input: input, Finished: finished);
            bool allFinished;
            using (var step = NewDisposeScope())
            {
                var x = cat([embedding.call(input.unsqueeze(1)), zStep], 2);
                var (hidden, next) = Run(decoder, x, state);
                var logits = Logits(hidden.squeeze(1)).add(banned, Scalars.One);
                var token = TokenSampler.Sample(logits, uniform.select(1, t), temperatures, topPs).masked_fill(finished, pad);
                output.select(1, t).copy_(token);
                finished = finished.logical_or(token.eq(eos));
                allFinished = finished.all().item<bool>();
                input = token;
                state = next;
                step.MoveToOuter([input, finished, .. state]);
            }
            // The step's scope freed its logits; the carried state of the step before is no longer needed either.
            foreach (var s in previous.State) s.Dispose();
            previous.Input.Dispose();
            previous.Finished.Dispose();
            if (allFinished) break;
        }
        output.select(1, steps - 1).masked_fill_(finished.logical_not(), eos);
        return output;
    }

    /// <summary>
    /// The decoder's inputs [batch, steps − 1]: each row without its last position; in training mode, word dropout
    /// replaces real tokens after BOS by <see cref="MaskId"/> with probability <see cref="SentenceVaeOptions.WordDropout"/>.
    /// </summary>
    internal Tensor DecoderInputs(Tensor tokens, Generator? generator)
    {
        var inputs = tokens.narrow(1, 0, tokens.shape[1] - 1);
        if (!training || Settings.WordDropout <= 0) return inputs;
        using var rate = Settings.WordDropout.ToScalar();
        using var pad = Settings.PadId.ToScalar();
        using var bos = Settings.BosId.ToScalar();
        using var mask = MaskId.ToScalar();
        var drop = rand(inputs.shape, device: inputs.device, generator: generator).lt(rate)
            .logical_and(inputs.ne(pad)).logical_and(inputs.ne(bos));
        return inputs.masked_fill(drop, mask);
    }

    /// <summary>Teacher-forced decoder outputs [batch, steps, hidden] for <paramref name="inputs"/> given z.</summary>
    private Tensor DecoderOutputs(Tensor inputs, Tensor z)
    {
        var steps = inputs.shape[1];
        var zRepeated = z.unsqueeze(1).expand(z.shape[0], steps, z.shape[1]);
        var (output, _) = Run(decoder, cat([embedding.call(inputs), zRepeated], 2), InitialState(z));
        return output;
    }

    /// <summary>
    /// Decoder outputs when each input after the first is, with probability <paramref name="rate"/>, the model's own
    /// sample (at temperature 1) instead of the true token (Bengio et al. 2015); padding positions stay padding.
    /// </summary>
    private Tensor ScheduledSamplingOutputs(Tensor inputs, Tensor z, double rate, Generator? generator)
    {
        var batch = inputs.shape[0];
        var steps = (int)inputs.shape[1];
        var state = InitialState(z);
        var zStep = z.unsqueeze(1);
        using var probability = rate.ToScalar();
        using var pad = Settings.PadId.ToScalar();
        var ones = torch.ones(batch, device: z.device);
        var outputs = new Tensor[steps];
        var input = inputs.select(1, 0);
        for (var t = 0; t < steps; t++)
        {
            var (hidden, next) = Run(decoder, cat([embedding.call(input.unsqueeze(1)), zStep], 2), state);
            state = next;
            outputs[t] = hidden;
            if (t + 1 == steps) break;
            Tensor sampled;
            using (no_grad())
            {
                sampled = TokenSampler.Sample(Logits(hidden.squeeze(1)), rand(batch, device: z.device, generator: generator), ones, null);
            }
            var truth = inputs.select(1, t + 1);
            var useSample = rand(batch, device: z.device, generator: generator).lt(probability).logical_and(truth.ne(pad));
            input = where(useSample, sampled, truth);
        }
        return cat(outputs, 1);
    }

    /// <summary>Next-token logits for decoder outputs [..., hidden]: projected into the embedding space and scored against every token's embedding.</summary>
    private Tensor Logits(Tensor hidden) =>
        F.linear(toEmbedding.forward(hidden), embedding.weight!.narrow(0, 0, Settings.VocabularySize), outputBias);

    /// <summary>The decoder's initial state from z (dense + tanh).</summary>
    private Tensor[] InitialState(Tensor z)
    {
        var layers = Settings.DecoderLayers;
        var hidden = Settings.DecoderHidden;
        // The dense output holds, per row, StateParts × layers × hidden values (h, then c for an LSTM). An RNN wants
        // each part as [layers, batch, hidden], hence the permute from [batch, part, layer, hidden] to [part, layer, batch, hidden].
        var state = tanh(toDecoderState.forward(z)).view(z.shape[0], StateParts, layers, hidden).permute(1, 2, 0, 3);
        return Enumerable.Range(0, StateParts).Select(p => state[p].contiguous()).ToArray();
    }

    /// <summary>
    /// PyTorch's default initialisation, drawn from <paramref name="generator"/>: recurrent weights and biases
    /// U(±1/√hidden), dense layers U(±1/√inputs). The embedding, which is also the output layer, gets U(±0.1) (as in
    /// tied-weight language models; N(0, 1) would start with logits in the tens); the output bias starts at zero.
    /// </summary>
    private void Initialize(Generator generator)
    {
        using var noGrad = no_grad();
        embedding.weight!.uniform_(-0.1, 0.1, generator);
        foreach (var (rnn, hidden) in new[] { (encoder, Settings.EncoderHidden), (decoder, Settings.DecoderHidden) })
        {
            var bound = 1 / Math.Sqrt(hidden);
            foreach (var p in rnn.parameters()) p.uniform_(-bound, bound, generator);
        }
        foreach (var linear in new[] { toMean, toLogVariance, toDecoderState, toEmbedding })
        {
            var bound = 1 / Math.Sqrt(linear.in_features);
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }
        outputBias.zero_();
    }

    /// <summary>Runs an LSTM or GRU (batch first) from <paramref name="state"/> ([h] or [h, c]); returns its outputs and final state.</summary>
    private static (Tensor Output, Tensor[] State) Run(nn.Module rnn, Tensor input, Tensor[] state)
    {
        switch (rnn)
        {
            case LSTM lstm:
            {
                var (output, h, c) = lstm.call(input, (state[0], state[1]));
                return (output, [h, c]);
            }
            case GRU gru:
            {
                var (output, h) = gru.call(input, state[0]);
                return (output, [h]);
            }
            default:
                throw new InvalidOperationException("unknown recurrent cell.");
        }
    }

    private static nn.Module Recurrent(RecurrentCell cell, long input, long hidden, long layers, bool bidirectional) => cell switch
    {
        RecurrentCell.Lstm => nn.LSTM(input, hidden, layers, batchFirst: true, bidirectional: bidirectional),
        RecurrentCell.Gru => nn.GRU(input, hidden, layers, batchFirst: true, bidirectional: bidirectional),
        _ => throw new ArgumentOutOfRangeException(nameof(cell)),
    };

    /// <summary>Checks the layout of a token batch; returns each row's real length (non-padding positions) on the CPU.</summary>
    private Tensor CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2)
            throw new ArgumentException($"expected token ids of shape [batch, steps]; got {tokens.dim()} dimensions.");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"expected int64 token ids; got {tokens.dtype}.");
        if (tokens.shape[1] < 2 || tokens.shape[1] > Settings.MaxTokens)
            throw new ArgumentException($"expected 2 to {Settings.MaxTokens} positions per row (BOS … EOS); got {tokens.shape[1]}.");
        using var pad = Settings.PadId.ToScalar();
        var lengths = tokens.ne(pad).sum(1).cpu();
        using var two = 2.ToScalar();
        if (lengths.lt(two).any().item<bool>())
            throw new ArgumentException("every row needs at least BOS and EOS before its padding.");
        return lengths;
    }
}
