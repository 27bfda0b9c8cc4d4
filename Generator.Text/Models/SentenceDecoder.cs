using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Text.Models;

/// <summary>
/// The decoder that <see cref="SentenceVae"/> and its language-model baseline <see cref="SentenceLm"/> share: a token
/// embedding (with one extra row, the word-dropout mask), an LSTM or GRU over the embedded inputs, and an output layer
/// tied to the embedding. With a latent code (latent size &gt; 0) z sets the initial state (dense + tanh) and is
/// concatenated to every input, as in Bowman et al. (2016); without one the state starts at zero and the inputs are
/// the embeddings alone: their LSTM language model, with the same layers otherwise.
/// </summary>
/// <remarks>
/// Not a module itself: the model that owns it registers its layers as its own fields (<c>embedding</c>,
/// <c>decoder</c>, <c>toDecoderState</c>, <c>toEmbedding</c>, <c>outputBias</c>), so saved weights keep the names
/// they had before the decoder was shared, and a language model's weights are named as a VAE's decoder's are.
/// Row layout: see <see cref="SentenceVae"/>.
/// </remarks>
internal sealed partial class SentenceDecoder
{
    private readonly SentenceVaeOptions settings;
    private readonly int latentSize;
    private readonly Func<Parameter> outputBias;
    private readonly int spanTokens;
    private readonly Lock packedGate = new();
    private PackedDecoderStep? packed;

    /// <summary>
    /// New layers for <paramref name="options"/> over <paramref name="embedding"/> (from <see cref="NewEmbedding"/>;
    /// passed in because a VAE's encoder reads it too), conditioned on a z of <paramref name="latentSize"/> (0: none).
    /// <paramref name="outputBias"/> reads the owner's output bias (from <see cref="NewOutputBias"/>) when it is used:
    /// <c>Module.to</c> (a dtype or a device) replaces a module's own parameters, fields included, so a reference kept
    /// here would go stale; the layers are modules, which convert their parameters in place.
    /// </summary>
    /// <remarks>
    /// With <paramref name="spanTokens"/> &gt; 0 (a <see cref="SpanLatentVae"/>) z holds one code of
    /// <paramref name="latentSize"/> per span of that many positions, and each step reads its own span's code instead
    /// of one code for the whole row; the state then starts at zero, since no one code describes the row.
    /// </remarks>
    public SentenceDecoder(SentenceVaeOptions options, Embedding embedding, int latentSize, Func<Parameter> outputBias, int spanTokens = 0)
    {
        settings = options;
        this.latentSize = latentSize;
        this.outputBias = outputBias;
        this.spanTokens = spanTokens;
        Embedding = embedding;
        ToState = latentSize > 0 && spanTokens == 0 ? nn.Linear(latentSize, (long)StateParts * options.DecoderLayers * options.DecoderHidden) : null;
        Rnn = Recurrent(options.Cell, options.EmbeddingSize + latentSize, options.DecoderHidden, options.DecoderLayers, bidirectional: false);
        ToEmbedding = nn.Linear(options.DecoderHidden, options.EmbeddingSize);
    }

    /// <summary>
    /// A new token embedding for <paramref name="options"/>: one row more than the vocabulary, for the mask token word
    /// dropout puts in (an input only, never predicted).
    /// </summary>
    public static Embedding NewEmbedding(SentenceVaeOptions options) => nn.Embedding(options.VocabularySize + 1, options.EmbeddingSize);

    /// <summary>A new output bias for <paramref name="options"/>: one per token, zero.</summary>
    public static Parameter NewOutputBias(SentenceVaeOptions options) => new(zeros(options.VocabularySize));

    /// <summary>Token embedding [vocabulary + 1, embedding]; also the output layer's weights (its first vocabulary rows).</summary>
    public Embedding Embedding { get; }

    /// <summary>Dense layer from z to the initial state; null without a latent code.</summary>
    public Linear? ToState { get; }

    /// <summary>The recurrent layers (LSTM or GRU, batch first).</summary>
    public nn.Module Rnn { get; }

    /// <summary>Projection of the recurrent outputs into the embedding space, before scoring against every token.</summary>
    public Linear ToEmbedding { get; }

    /// <summary>Output bias per token (the owner's, as it is now).</summary>
    public Parameter OutputBias => outputBias();

    /// <summary>A span model's learned prior (set by <see cref="SpanLatentVae"/>); null for N(0, I).</summary>
    internal SpanPrior? Prior { get; set; }

    /// <summary>
    /// Codes a prior sample follows per row (<see cref="PriorParticleDecoder"/>); 1 draws one code per span and the
    /// tokens given it. Default <see cref="SpanPrior.SampleParticles"/>.
    /// </summary>
    /// <remarks>
    /// Read from the environment when first needed, not when the model loads: a wrong value then fails the prior sample
    /// that would use it, with the variable's own message, rather than every use of the model.
    /// </remarks>
    internal int PriorParticles
    {
        get => priorParticles ??= SpanPrior.SampleParticlesFromEnvironment();
        set => priorParticles = value;
    }

    private int? priorParticles;

    /// <summary>The options the decoder was built for.</summary>
    internal SentenceVaeOptions Settings => settings;

    /// <summary>
    /// Uniforms a generated row takes: one per step for its tokens, and with a mixture prior one more per step
    /// (after those) for the components of a prior sample's codes.
    /// </summary>
    public int RowNoiseWidth => Prior is { Components: > 1 } ? 2 * settings.MaxTokens : settings.MaxTokens;

    /// <summary>Whether <see cref="Generate"/> uses the packed step where one can be made (<see cref="ISentenceModel.PackedGeneration"/>). Default true.</summary>
    public bool Packed { get; set; } = true;

    /// <summary>Parts the packed step's rows are split into, when set (tests); else <see cref="ThreadedParts.Count"/>'s.</summary>
    internal int? ThreadParts { get; set; }

    /// <summary>Pieces the output layer scores (the embedding has one row more, <see cref="MaskId"/>).</summary>
    public int VocabularySize => settings.VocabularySize;

    /// <summary>Recurrent layers.</summary>
    public int Layers => settings.DecoderLayers;

    /// <summary>The id word dropout puts in place of an input (one past the vocabulary; never predicted).</summary>
    public int MaskId => settings.VocabularySize;

    internal int StateParts => settings.Cell == RecurrentCell.Lstm ? 2 : 1;

    /// <summary>
    /// The decoder's inputs [batch, steps − 1]: each row without its last position; when <paramref name="training"/>,
    /// word dropout replaces real tokens after BOS by <see cref="MaskId"/> with probability <see cref="SentenceVaeOptions.WordDropout"/>.
    /// </summary>
    public Tensor Inputs(Tensor tokens, bool training, Generator? generator)
    {
        var inputs = tokens.narrow(1, 0, tokens.shape[1] - 1);
        if (!training || settings.WordDropout <= 0) return inputs;
        using var rate = settings.WordDropout.ToScalar();
        using var pad = settings.PadId.ToScalar();
        using var bos = settings.BosId.ToScalar();
        using var mask = MaskId.ToScalar();
        var drop = rand(inputs.shape, device: inputs.device, generator: generator).lt(rate)
            .logical_and(inputs.ne(pad)).logical_and(inputs.ne(bos));
        return inputs.masked_fill(drop, mask);
    }

    /// <summary>The positions of <paramref name="tokens"/> the decoder predicts: every one after the BOS that is not padding (the tokens and the EOS).</summary>
    public Tensor PredictedElements(Tensor tokens)
    {
        using var pad = settings.PadId.ToScalar();
        using var no = false.ToScalar(); // held, not temporary: see Scalars
        var real = tokens.ne(pad);
        real.select(1, 0).fill_(no);
        return real;
    }

    /// <summary>
    /// Per-row NLL of <paramref name="tokens"/>' real targets (its tokens and EOS; padding adds nothing) given
    /// <paramref name="z"/> (null without a latent code), and the teacher-forced argmax hits among those targets.
    /// Logits are computed for real targets only: at 8000 tokens the output layer is the largest cost, and padding
    /// would otherwise pay for it.
    /// </summary>
    public Reconstruction Reconstruct(Tensor tokens, Tensor? z, ReconstructionSettings reconstruction, bool training) =>
        ReconstructWithOutputs(tokens, z, reconstruction, training).Reconstruction;

    /// <summary><see cref="Reconstruct"/>, with the decoder's outputs [batch, steps − 1, hidden] (what a learned prior reads).</summary>
    public (Reconstruction Reconstruction, Tensor Outputs) ReconstructWithOutputs(Tensor tokens, Tensor? z, ReconstructionSettings reconstruction, bool training)
    {
        CheckTokens(tokens);
        var batch = tokens.shape[0];
        var targetSteps = tokens.shape[1] - 1;
        var inputs = Inputs(tokens, training, reconstruction.Generator);
        var hidden = reconstruction.ScheduledSamplingRate > 0
            ? ScheduledSamplingOutputs(inputs, z, reconstruction.ScheduledSamplingRate, reconstruction.Generator)
            : Outputs(inputs, z);
        using var pad = settings.PadId.ToScalar();
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
        return (new Reconstruction(nll, correct, positions.shape[0]), hidden);
    }

    /// <summary>
    /// Each span's prior under <paramref name="prior"/> ([batch, spans, …]) for <paramref name="tokens"/> decoded with
    /// outputs <paramref name="outputs"/> ([batch, steps − 1, hidden], teacher forced): read from the state before the
    /// span's first step (zero before the first) and the true token that step takes in. Spans past the batch's width get
    /// N(0, I).
    /// </summary>
    internal SpanPriorMixture SpanPriors(SpanPrior prior, Tensor tokens, Tensor outputs)
    {
        var batch = tokens.shape[0];
        var steps = tokens.shape[1] - 1;
        var before = cat([zeros([batch, 1, outputs.shape[2]], dtype: outputs.dtype, device: outputs.device), outputs.narrow(1, 0, steps - 1)], 1);
        var starts = arange(0, steps, spanTokens, dtype: ScalarType.Int64, device: tokens.device);
        var mixture = prior.Of(before.index_select(1, starts), Embedding.call(tokens.narrow(1, 0, steps).index_select(1, starts)));
        var missing = settings.Spans - starts.shape[0];
        if (missing <= 0) return mixture;
        // Equal weights over components at N(0, I) are N(0, I).
        var logWeights = F.pad(mixture.LogWeights, [0, 0, 0, missing], value: -Math.Log(mixture.Components));
        return new SpanPriorMixture(logWeights, F.pad(mixture.Mean, [0, 0, 0, 0, 0, missing]), F.pad(mixture.LogVariance, [0, 0, 0, 0, 0, missing]));
    }

    /// <summary>Teacher-forced outputs [batch, steps, hidden] for <paramref name="inputs"/> given z (or none).</summary>
    public Tensor Outputs(Tensor inputs, Tensor? z)
    {
        var embedded = Embedding.call(inputs);
        if (z is not null) embedded = cat([embedded, StepLatents(z, inputs.shape[1])], 2);
        var (output, _) = Run(Rnn, embedded, InitialState(z));
        return output;
    }

    /// <summary>Next-token logits for decoder outputs [..., hidden]: projected into the embedding space and scored against every token's embedding.</summary>
    public Tensor Logits(Tensor hidden) =>
        F.linear(ToEmbedding.forward(hidden), Embedding.weight!.narrow(0, 0, settings.VocabularySize), OutputBias);

    /// <summary>
    /// PyTorch's default initialisation, drawn from <paramref name="generator"/> in a fixed order: the embedding, then
    /// <paramref name="recurrentBefore"/> and the decoder's recurrent layers, then <paramref name="denseBefore"/>, the
    /// state layer and the output projection. Recurrent weights and biases get U(±1/√hidden), dense layers
    /// U(±1/√inputs). The embedding, which is also the output layer, gets U(±0.1) (as in tied-weight language models;
    /// N(0, 1) would start with logits in the tens); the output bias starts at zero.
    /// </summary>
    public void Initialize(Generator generator, IEnumerable<(nn.Module Rnn, int Hidden)> recurrentBefore, IEnumerable<Linear> denseBefore)
    {
        using var noGrad = no_grad();
        Embedding.weight!.uniform_(-0.1, 0.1, generator);
        foreach (var (rnn, hidden) in recurrentBefore.Append((Rnn, settings.DecoderHidden)))
        {
            var bound = 1 / Math.Sqrt(hidden);
            foreach (var p in rnn.parameters()) p.uniform_(-bound, bound, generator);
        }
        var dense = denseBefore.ToList();
        if (ToState is not null) dense.Add(ToState);
        dense.Add(ToEmbedding);
        foreach (var linear in dense)
        {
            var bound = 1 / Math.Sqrt(linear.in_features);
            linear.weight!.uniform_(-bound, bound, generator);
            linear.bias!.uniform_(-bound, bound, generator);
        }
        OutputBias.zero_();
    }

    /// <summary>Checks the layout of a token batch; returns each row's real length (non-padding positions) on the CPU.</summary>
    public Tensor CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2)
            throw new ArgumentException($"expected token ids of shape [batch, steps]; got {tokens.dim()} dimensions.");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"expected int64 token ids; got {tokens.dtype}.");
        if (tokens.shape[1] < 2 || tokens.shape[1] > settings.MaxTokens)
            throw new ArgumentException($"expected 2 to {settings.MaxTokens} positions per row (BOS … EOS); got {tokens.shape[1]}.");
        using var pad = settings.PadId.ToScalar();
        var lengths = tokens.ne(pad).sum(1).cpu();
        using var two = 2.ToScalar();
        if (lengths.lt(two).any().item<bool>())
            throw new ArgumentException("every row needs at least BOS and EOS before its padding.");
        return lengths;
    }

    /// <summary>An LSTM or GRU, batch first.</summary>
    public static nn.Module Recurrent(RecurrentCell cell, long input, long hidden, long layers, bool bidirectional) => cell switch
    {
        RecurrentCell.Lstm => nn.LSTM(input, hidden, layers, batchFirst: true, bidirectional: bidirectional),
        RecurrentCell.Gru => nn.GRU(input, hidden, layers, batchFirst: true, bidirectional: bidirectional),
        _ => throw new ArgumentOutOfRangeException(nameof(cell)),
    };

    /// <summary>
    /// Outputs when each input after the first is, with probability <paramref name="rate"/>, the model's own sample
    /// (at temperature 1) instead of the true token (Bengio et al. 2015); padding positions stay padding.
    /// </summary>
    private Tensor ScheduledSamplingOutputs(Tensor inputs, Tensor? z, double rate, Generator? generator)
    {
        var batch = inputs.shape[0];
        var steps = (int)inputs.shape[1];
        var device = inputs.device;
        var state = InitialState(z);
        var zSteps = z is null ? null : StepLatents(z, steps);
        using var probability = rate.ToScalar();
        using var pad = settings.PadId.ToScalar();
        var ones = torch.ones(batch, device: device);
        var outputs = new Tensor[steps];
        var input = inputs.select(1, 0);
        for (var t = 0; t < steps; t++)
        {
            var (hidden, next) = Run(Rnn, StepInput(input, zSteps?.narrow(1, t, 1)), state);
            state = next;
            outputs[t] = hidden;
            if (t + 1 == steps) break;
            Tensor sampled;
            using (no_grad())
            {
                sampled = TokenSampler.Sample(Logits(hidden.squeeze(1)), rand(batch, device: device, generator: generator), ones, null);
            }
            var truth = inputs.select(1, t + 1);
            var useSample = rand(batch, device: device, generator: generator).lt(probability).logical_and(truth.ne(pad));
            input = where(useSample, sampled, truth);
        }
        return cat(outputs, 1);
    }

    /// <summary>
    /// The latent input of each of <paramref name="steps"/> decoder steps [rows, steps, latent]: the row's one code at
    /// every step, or (span codes) the code of the span each step's target falls in (step j predicts position j + 1,
    /// which belongs to span j / span tokens).
    /// </summary>
    private Tensor StepLatents(Tensor z, long steps)
    {
        if (spanTokens == 0) return z.unsqueeze(1).expand(z.shape[0], steps, z.shape[1]);
        var spans = settings.Spans;
        if (z.dim() != 2 || z.shape[1] != (long)spans * latentSize)
            throw new ArgumentException($"expected z of size {spans} × {latentSize}; got [{string.Join(", ", z.shape)}].");
        var index = arange(steps, dtype: ScalarType.Int64, device: z.device).div(spanTokens, RoundingMode.floor);
        return z.view(z.shape[0], spans, latentSize).index_select(1, index);
    }

    /// <summary>One step's input [rows, 1, embedding (+ latent)]: the embedded token, and z when there is one.</summary>
    private Tensor StepInput(Tensor token, Tensor? zStep)
    {
        var embedded = Embedding.call(token.unsqueeze(1));
        return zStep is null ? embedded : cat([embedded, zStep], 2);
    }

    /// <summary>The initial state from z (dense + tanh); null (zeros, the RNN's default) without a latent code.</summary>
    private Tensor[]? InitialState(Tensor? z)
    {
        if (z is null || ToState is null) return null;
        if (z.shape[^1] != latentSize)
            throw new ArgumentException($"expected z of size {latentSize}; got {z.shape[^1]}.");
        var layers = settings.DecoderLayers;
        var hidden = settings.DecoderHidden;
        // The dense output holds, per row, StateParts × layers × hidden values (h, then c for an LSTM). An RNN wants
        // each part as [layers, batch, hidden], hence the permute from [batch, part, layer, hidden] to [part, layer, batch, hidden].
        var state = tanh(ToState.forward(z)).view(z.shape[0], StateParts, layers, hidden).permute(1, 2, 0, 3);
        return Enumerable.Range(0, StateParts).Select(p => state[p].contiguous()).ToArray();
    }

    /// <summary>Runs an LSTM or GRU (batch first) from <paramref name="state"/> ([h], [h, c], or null for zeros); returns its outputs and final state.</summary>
    private static (Tensor Output, Tensor[] State) Run(nn.Module rnn, Tensor input, Tensor[]? state)
    {
        switch (rnn)
        {
            case LSTM lstm:
            {
                var (output, h, c) = lstm.call(input, state is null ? null : (state[0], state[1]));
                return (output, [h, c]);
            }
            case GRU gru:
            {
                var (output, h) = gru.call(input, state?[0]);
                return (output, [h]);
            }
            default:
                throw new InvalidOperationException("unknown recurrent cell.");
        }
    }
}
