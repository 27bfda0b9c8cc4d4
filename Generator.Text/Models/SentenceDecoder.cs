using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
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
internal sealed class SentenceDecoder
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
    internal int PriorParticles { get; set; } = SpanPrior.SampleParticlesFromEnvironment();

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

    /// <summary>
    /// <paramref name="rows"/> rows decoded autoregressively from BOS (see <see cref="SentenceVae.Generate"/>), given
    /// <paramref name="z"/> [rows, latent] (null without a latent code).
    /// </summary>
    /// <remarks>
    /// With <paramref name="spelling"/> each step picks among the pieces that keep the row's words known
    /// (<see cref="Spelling.SpellingConstraint"/>, the row's seed from <see cref="GenerationSettings.SeedRows"/>);
    /// the same noise, temperatures and nuclei are used.
    /// </remarks>
    public Tensor Generate(long rows, Tensor? z, Device device, GenerationSettings generation, Spelling.SpellingConstraint? spelling = null)
    {
        var steps = settings.MaxTokens;
        Tensor uniform, temperatures;
        Tensor? topPs;
        if (generation.Uniform is { } u)
        {
            if (u.dim() != 2 || u.shape[0] != rows || u.shape[1] < RowNoiseWidth)
                throw new ArgumentException($"per-row noise must have shape [{rows}, ≥{RowNoiseWidth}]; got [{string.Join(", ", u.shape)}].");
            uniform = u;
            temperatures = generation.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures.");
            topPs = generation.TopPs;
        }
        else
        {
            uniform = rand([rows, RowNoiseWidth], device: device, generator: generation.Generator);
            using var temperature = generation.Temperature.ToScalar(); // held, not temporary: see Scalars
            temperatures = full(rows, temperature, device: device);
            using var topP = generation.TopP.ToScalar();
            topPs = generation.TopP < 1 ? full(rows, topP, device: device) : null;
        }

        using var minusInfinity = double.NegativeInfinity.ToScalar();
        var banned = zeros(settings.VocabularySize, dtype: Embedding.weight!.dtype, device: device)
            .index_fill_(0, tensor(new long[] { settings.PadId, settings.BosId }, device: device), minusInfinity);

        var zSteps = z is null ? null : StepLatents(z, steps - 1);
        var state = InitialState(z);
        var fast = Packed ? PackedStep() : null;
        Tensor? fastBias = null;
        if (fast is not null)
        {
            // The packed step takes each state part as [rows, hidden] (one layer) and adds the banned pieces with the bias.
            state = state?.Select(s => s[0]).ToArray()
                ?? Enumerable.Range(0, StateParts).Select(_ => zeros([rows, settings.DecoderHidden], device: device)).ToArray();
            fastBias = OutputBias.add(banned);
        }
        var spelled = spelling?.Start(rows, generation.SeedRows);
        float[] uniformCpu = [], temperaturesCpu = [], topPsCpu = [];
        if (spelled is not null)
        {
            uniformCpu = uniform.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            temperaturesCpu = temperatures.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            if (topPs is not null) topPsCpu = topPs.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }
        // The packed step's state is [rows, hidden]; an RNN's [layers, rows, hidden].
        var job = new DecodeJob(steps, device, fast, fastBias, banned, spelling, (int)uniform.shape[1], fast is not null ? 0 : 1,
            generation.PriorNoise && z is not null ? Prior : null);
        // Rows are independent, so the packed step's rows are split over threads (each part's products are small and
        // run on one core): a part's tokens are the same however the rows are split.
        var parts = fast is null || device.type != DeviceType.CPU ? 1
            : ThreadParts is { } forced ? (int)Math.Clamp(forced, 1, rows) : ThreadedParts.Count(rows, MinRowsPerPart);
        var bounds = Enumerable.Range(0, parts + 1).Select(p => (int)(rows * p / parts)).ToArray();
        var decoded = ThreadedParts.Run(parts, p =>
        {
            var (from, count) = (bounds[p], bounds[p + 1] - bounds[p]);
            var floatsFrom = from * job.NoiseWidth;
            if (job.Prior is not null && PriorParticles > 1)
                return PriorParticleDecoder.DecodeRows(this, job, PriorParticles, spanTokens, zSteps!.narrow(0, from, count),
                    uniform.narrow(0, from, count), temperatures.narrow(0, from, count), topPs?.narrow(0, from, count), spelling);
            return DecodeRows(job, new DecodeRowsInput(
                count,
                zSteps?.narrow(0, from, count),
                state?.Select(x => x.narrow(job.StateRowDimension, from, count)).ToArray(),
                uniform.narrow(0, from, count),
                temperatures.narrow(0, from, count),
                topPs?.narrow(0, from, count),
                spelled?[from..(from + count)],
                spelled is null ? [] : uniformCpu[floatsFrom..(floatsFrom + count * job.NoiseWidth)],
                spelled is null ? [] : temperaturesCpu[from..(from + count)],
                topPsCpu.Length == 0 ? [] : topPsCpu[from..(from + count)]));
        });
        var tokens = decoded.SelectMany(d => d).ToArray();
        return tensor(tokens, [rows, steps], device: device);
    }

    /// <summary>Fewest rows a thread decodes on its own (<see cref="ThreadedParts"/>).</summary>
    private const int MinRowsPerPart = 2;

    /// <summary>What every part of one <see cref="Generate"/> call shares.</summary>
    /// <remarks><see cref="Prior"/> is set when z holds noise for the learned prior (a prior sample), null when it holds codes.</remarks>
    internal sealed record DecodeJob(int Steps, Device Device, PackedDecoderStep? Fast, Tensor? FastBias, Tensor Banned,
        Spelling.SpellingConstraint? Spelling, int NoiseWidth, int StateRowDimension, SpanPrior? Prior);

    /// <summary>One part's rows: their latents, state, noise, temperatures and nuclei (as tensors, and on the CPU when spelling).</summary>
    private sealed record DecodeRowsInput(int Rows, Tensor? ZSteps, Tensor[]? State, Tensor Noise, Tensor Temperatures, Tensor? TopPs,
        Spelling.RowSpelling[]? Spelled, float[] NoiseCpu, float[] TemperaturesCpu, float[] TopPsCpu);

    /// <summary>
    /// The tokens [rows × steps, row-major] of <paramref name="part"/>'s rows, decoded from BOS: PAD after a row's EOS,
    /// and EOS in the last position of a row that did not end before it.
    /// </summary>
    private long[] DecodeRows(DecodeJob job, DecodeRowsInput part)
    {
        using var scope = NewDisposeScope();
        var (steps, device, fast, rows) = (job.Steps, job.Device, job.Fast, part.Rows);
        var output = new long[rows * steps];
        Array.Fill(output, (long)settings.PadId);
        for (var r = 0; r < rows; r++) output[r * steps] = settings.BosId;
        var finished = new bool[rows];
        var zSteps = part.ZSteps;
        var state = part.State;
        var noLatent = fast is not null && zSteps is null ? zeros([rows, 0], device: device) : null;
        var input = full([rows], settings.BosId, dtype: ScalarType.Int64, device: device);
        Tensor? code = null; // a prior sample's current span code (job.Prior)
        // Finished rows leave the batch: a step's cost grows with its rows (the output layer most), and rows end at
        // different lengths. live[k] is the row the batch's k-th place decodes; the per-row tensors hold only those.
        var live = Enumerable.Range(0, rows).ToArray();
        var (noise, temperatures, topPs) = (part.Noise, part.Temperatures, part.TopPs);
        var (spelled, temperaturesCpu, topPsCpu) = (part.Spelled, part.TemperaturesCpu, part.TopPsCpu);
        var noneFinished = new bool[rows]; // every live row is unfinished
        var stepUniform = new float[rows];
        // The last position is reserved for EOS, so every output is also a valid input (a variation can be varied).
        for (var t = 1; t < steps - 1 && live.Length > 0; t++)
        {
            var previous = (State: state, Input: input, Code: code);
            long[] tokens;
            using (var step = NewDisposeScope())
            {
                Tensor logits;
                Tensor[] next;
                var zStep = zSteps?.select(1, t - 1);
                if (job.Prior is { } prior && zStep is not null)
                {
                    // A prior sample: each span's code is drawn as it starts, μ + σ ⊙ noise from its prior (a component of
                    // it, for a mixture) at the row's temperature (SpanPrior.CodeTemperature), given the state so far and
                    // the token just decoded (zSteps holds the span's noise).
                    if ((t - 1) % spanTokens == 0)
                    {
                        var before = fast is not null ? state![0]
                            : state is null ? zeros([live.Length, settings.DecoderHidden], dtype: zStep.dtype, device: device)
                            : state[0].select(0, state[0].shape[0] - 1);
                        // A mixture picks its component with the row's uniform of this step's second half.
                        var componentUniform = prior.Components > 1 ? noise.select(1, steps + t) : null;
                        code = prior.Of(before, Embedding.call(input)).Draw(componentUniform, zStep, SpanPrior.CodeTemperature(temperatures));
                    }
                    zStep = code;
                }
                (logits, next) = Step(job, input, zStep ?? noLatent, state);
                if (spelled is not null)
                {
                    for (var k = 0; k < live.Length; k++) stepUniform[k] = part.NoiseCpu[live[k] * job.NoiseWidth + t];
                    tokens = job.Spelling!.Choose(logits, stepUniform.AsSpan(0, live.Length), temperaturesCpu, topPsCpu,
                        noneFinished.AsSpan(0, live.Length), spelled, settings.PadId);
                    input = tensor(tokens, device: device);
                }
                else
                {
                    input = TokenSampler.Sample(logits, noise.select(1, t), temperatures, topPs);
                    tokens = input.cpu().data<long>().ToArray();
                }
                state = next;
                step.MoveToOuter([input, .. state]);
                if (code is not null && !ReferenceEquals(code, previous.Code)) step.MoveToOuter(code);
            }
            // The step's scope freed its logits; the carried state of the step before is no longer needed either.
            if (t > 1) foreach (var s in previous.State ?? []) s.Dispose();
            previous.Input.Dispose();
            if (previous.Code is not null && !ReferenceEquals(code, previous.Code)) previous.Code.Dispose();
            var keep = new List<int>(live.Length);
            for (var k = 0; k < live.Length; k++)
            {
                output[live[k] * steps + t] = tokens[k];
                if (tokens[k] == settings.EosId) finished[live[k]] = true;
                else keep.Add(k);
            }
            if (keep.Count == live.Length) continue;
            live = keep.Select(k => live[k]).ToArray();
            if (live.Length == 0) break;
            var places = tensor(keep.Select(k => (long)k).ToArray(), device: device);
            var (oldState, oldInput) = (state!, input);
            state = oldState.Select(x => x.index_select(job.StateRowDimension, places)).ToArray();
            input = oldInput.index_select(0, places);
            foreach (var x in oldState) x.Dispose();
            oldInput.Dispose();
            zSteps = zSteps?.index_select(0, places);
            if (code is not null)
            {
                var oldCode = code;
                code = oldCode.index_select(0, places);
                oldCode.Dispose();
            }
            noLatent = noLatent?.index_select(0, places);
            noise = noise.index_select(0, places);
            temperatures = temperatures.index_select(0, places);
            topPs = topPs?.index_select(0, places);
            if (spelled is not null)
            {
                spelled = keep.Select(k => spelled[k]).ToArray();
                temperaturesCpu = keep.Select(k => temperaturesCpu[k]).ToArray();
                if (topPsCpu.Length > 0) topPsCpu = keep.Select(k => topPsCpu[k]).ToArray();
            }
        }
        for (var r = 0; r < rows; r++)
            if (!finished[r]) output[r * steps + steps - 1] = settings.EosId;
        return output;
    }

    /// <summary>
    /// One generation step: the next-token logits [rows, vocabulary] (banned pieces at −∞) for the <paramref name="input"/>
    /// tokens [rows] given their step's codes [rows, latent] (null without a latent code; the packed step takes
    /// [rows, 0]) and the <paramref name="state"/> (null for zeros on the module path), and the state after it.
    /// </summary>
    internal (Tensor Logits, Tensor[] Next) Step(DecodeJob job, Tensor input, Tensor? zStep, Tensor[]? state)
    {
        if (job.Fast is { } fast) return fast.Step(input, zStep!, state!, job.FastBias!);
        var (hidden, next) = Run(Rnn, StepInput(input, zStep?.unsqueeze(1)), state);
        return (Logits(hidden.squeeze(1)).add(job.Banned, Scalars.One), next);
    }

    /// <summary>The last layer's state [rows, hidden] in <paramref name="state"/> as <paramref name="job"/> lays it out (what a span's prior reads).</summary>
    internal static Tensor TopState(DecodeJob job, Tensor[] state) =>
        job.Fast is not null ? state[0] : state[0].select(0, state[0].shape[0] - 1);

    /// <summary>
    /// The packed generation step (<see cref="PackedDecoderStep"/>) for the weights as they are now, made on first use
    /// and again after they change; null where none can be made (then generation steps through the modules).
    /// </summary>
    private PackedDecoderStep? PackedStep()
    {
        lock (packedGate)
        {
            if (packed is { } current && current.IsCurrent()) return current;
            packed?.Dispose();
            packed = PackedDecoderStep.TryCreate(this);
            return packed;
        }
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
