using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// <see cref="SentenceDecoder"/>'s generation: rows decoded autoregressively from BOS, on the packed step or through the
/// modules, split over threads, with the spelling constraint and the learned prior's codes (one draw per span, or
/// <see cref="PriorParticleDecoder"/>'s particles). The layers and teacher-forced passes are in SentenceDecoder.cs.
/// </summary>
internal sealed partial class SentenceDecoder
{
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
        var particles = generation.PriorNoise && z is not null && Prior is not null ? PriorParticles : 1;
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
            if (job.Prior is not null && particles > 1)
                return PriorParticleDecoder.DecodeRows(this, job, particles, spanTokens, zSteps!.narrow(0, from, count),
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
}
