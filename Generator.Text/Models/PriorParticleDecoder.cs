using TorchSharp;
using VaeCreative.Core.Models;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// Decodes prior samples of a <see cref="SpanLatentVae"/> with a learned prior by following
/// <see cref="SentenceDecoder.PriorParticles"/> draws of the codes at once (a particle filter), and picks each token from
/// the model's marginal next-token distribution, the particles' predictions weighted by how well each explained the
/// tokens of its span so far. The row's temperature and nucleus shape that marginal; the codes are drawn from the prior
/// itself.
/// </summary>
/// <remarks>
/// <para>
/// Why: with one code drawn per span and the token drawn given it, the temperature can only cool each draw. A code
/// drawn between words decodes to a word that does not follow (word salad), however cool. The marginal
/// p(x_t | x_&lt;t) averages over the codes the prior allows, so a cool draw from it takes the continuation most codes
/// agree on, as a language model's does; the particles that explain it are kept (resampled in proportion to their
/// weight at each span's start) and the ones that do not are dropped, so the state the row continues from stays
/// consistent with its words. At temperature 1 with the nucleus off the output follows the model's own distribution,
/// as ancestral sampling does.
/// </para>
/// <para>
/// Determinism: the first particle of a row draws its codes from the row's noise (the z the engine passed and the
/// component uniforms of <see cref="SentenceDecoder.RowNoiseWidth"/>); the others from a generator seeded by the bits
/// of the row's uniforms, so a row's output depends only on its own noise, never on which rows share the batch.
/// </para>
/// </remarks>
internal static class PriorParticleDecoder
{
    /// <summary>
    /// The tokens [rows × steps, row-major] of one prior sample per row of <paramref name="noise"/>: PAD after a row's EOS, and EOS in
    /// the last position of a row that did not end before it (as <see cref="SentenceDecoder"/>'s own decoding).
    /// </summary>
    /// <param name="decoder">The model's decoder, with its <see cref="SentenceDecoder.Prior"/> set.</param>
    /// <param name="job">The generation's shared settings (its prior set).</param>
    /// <param name="particles">Codes followed per row (≥ 2).</param>
    /// <param name="spanTokens">Positions per span.</param>
    /// <param name="noise">Each row's N(0, I) code noise, per decoder step [rows, steps − 1, latent].</param>
    /// <param name="uniform">Each row's uniforms [rows, ≥ <see cref="SentenceDecoder.RowNoiseWidth"/>].</param>
    /// <param name="temperatures">Each row's temperature [rows].</param>
    /// <param name="topPs">Each row's nucleus [rows], or null for none.</param>
    /// <param name="spelling">The model's spelling constraint (no seeds for a prior sample), or null.</param>
    public static long[] DecodeRows(SentenceDecoder decoder, SentenceDecoder.DecodeJob job, int particles, int spanTokens,
        Tensor noise, Tensor uniform, Tensor temperatures, Tensor? topPs, Spelling.SpellingConstraint? spelling)
    {
        // Rows in chunks of at most MaxParticleRows particles: a step holds a [rows × particles, vocabulary] tensor or
        // three, 400 MB for 200 rows of 32 at 16,000 pieces. Rows are independent, so the chunks change nothing.
        var rows = (int)noise.shape[0];
        var chunk = Math.Max(1, MaxParticleRows / particles);
        if (rows <= chunk) return DecodeChunk(decoder, job, particles, spanTokens, noise, uniform, temperatures, topPs, spelling);
        var output = new List<long>(rows * job.Steps);
        for (var from = 0; from < rows; from += chunk)
        {
            var count = Math.Min(chunk, rows - from);
            output.AddRange(DecodeChunk(decoder, job, particles, spanTokens, noise.narrow(0, from, count), uniform.narrow(0, from, count),
                temperatures.narrow(0, from, count), topPs?.narrow(0, from, count), spelling));
        }
        return [.. output];
    }

    /// <summary>Most rows × particles decoded in one step (<see cref="DecodeRows"/>).</summary>
    private const int MaxParticleRows = 512;

    private static long[] DecodeChunk(SentenceDecoder decoder, SentenceDecoder.DecodeJob job, int particles, int spanTokens,
        Tensor noise, Tensor uniform, Tensor temperatures, Tensor? topPs, Spelling.SpellingConstraint? spelling)
    {
        using var scope = NewDisposeScope();
        var settings = decoder.Settings;
        var prior = decoder.Prior!;
        var (steps, device) = (job.Steps, job.Device);
        var rows = (int)noise.shape[0];
        var latent = noise.shape[2];
        var count = rows * particles;
        var (others, otherUniforms) = OtherParticleNoise(uniform, particles - 1, steps, latent);

        // Particle p of row r is flat row r × particles + p.
        var state = job.Fast is not null
            ? InitialStates(decoder, [count, settings.DecoderHidden], device, noise.dtype)
            : InitialStates(decoder, [settings.DecoderLayers, count, settings.DecoderHidden], device, noise.dtype);
        // The codes are drawn from the prior itself (temperature 1): the row's temperature shapes the marginal instead.
        var codeTemperatures = ones(count, dtype: noise.dtype, device: device);
        var offsets = arange(rows, dtype: ScalarType.Int64, device: device).mul(particles).unsqueeze(1); // [rows, 1]
        var logWeights = full([rows, particles], -Math.Log(particles), dtype: noise.dtype, device: device);
        var input = full([count], settings.BosId, dtype: ScalarType.Int64, device: device);
        Tensor? code = null;

        var spelled = spelling?.Start(rows, null);
        var uniformCpu = spelled is null ? [] : uniform.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var temperaturesCpu = spelled is null ? [] : temperatures.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var topPsCpu = spelled is null || topPs is null ? [] : topPs.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var stepUniform = new float[rows];
        var finished = new bool[rows];
        var output = new long[rows * steps];
        Array.Fill(output, (long)settings.PadId);
        for (var r = 0; r < rows; r++) output[r * steps] = settings.BosId;

        for (var t = 1; t < steps - 1 && finished.Contains(false); t++)
        {
            using var step = NewDisposeScope();
            if ((t - 1) % spanTokens == 0)
            {
                if (t > 1)
                {
                    var flat = Resample(logWeights, otherUniforms.select(1, t).select(1, 0)).add(offsets).view(-1);
                    state = state.Select(s => s.index_select(job.StateRowDimension, flat)).ToArray();
                    logWeights = full([rows, particles], -Math.Log(particles), dtype: noise.dtype, device: device);
                }
                // Particle 0 takes the row's own noise, the others their generator's.
                var codeNoise = cat([noise.select(1, t - 1).unsqueeze(1), others.select(1, t)], 1).view(count, latent);
                Tensor? componentUniform = null;
                if (prior.Components > 1)
                    componentUniform = cat([uniform.select(1, steps + t).unsqueeze(1), otherUniforms.select(1, t).narrow(1, 1, particles - 1)], 1).view(count);
                code = prior.Of(SentenceDecoder.TopState(job, state), decoder.Embedding.call(input)).Draw(componentUniform, codeNoise, codeTemperatures);
            }
            var (logits, next) = decoder.Step(job, input, code, state);
            var logProbabilities = logits.log_softmax(-1).view(rows, particles, -1);
            var marginal = logProbabilities.add(logWeights.unsqueeze(2)).logsumexp(1); // [rows, vocabulary]
            long[] tokens;
            Tensor chosenTokens;
            if (spelled is not null)
            {
                for (var r = 0; r < rows; r++) stepUniform[r] = uniformCpu[r * job.NoiseWidth + t];
                tokens = job.Spelling!.Choose(marginal, stepUniform, temperaturesCpu, topPsCpu, finished, spelled, settings.PadId);
                chosenTokens = tensor(tokens, device: device);
            }
            else
            {
                chosenTokens = TokenSampler.Sample(marginal, uniform.select(1, t), temperatures, topPs);
                tokens = chosenTokens.cpu().data<long>().ToArray();
            }
            var explained = logProbabilities.gather(2, chosenTokens.view(rows, 1, 1).expand(rows, particles, 1)).squeeze(2);
            logWeights = logWeights.add(explained).log_softmax(-1);
            input = chosenTokens.repeat_interleave(particles);
            state = next;
            step.MoveToOuter([input, logWeights, .. state]);
            if (code is not null) step.MoveToOuter(code);
            for (var r = 0; r < rows; r++)
            {
                if (finished[r]) continue;
                output[r * steps + t] = tokens[r];
                if (tokens[r] == settings.EosId) finished[r] = true;
            }
        }
        for (var r = 0; r < rows; r++)
            if (!finished[r]) output[r * steps + steps - 1] = settings.EosId;
        return output;
    }

    /// <summary>
    /// Systematic resampling: for each row of <paramref name="logWeights"/> [rows, particles] (normalised), the particle
    /// each new particle k copies [rows, particles]: the first whose cumulative weight passes (u + k) / particles, u the
    /// row's <paramref name="uniform"/> [rows]. A particle of weight w is copied about w × particles times, at least
    /// ⌊w × particles⌋; one of weight near 0 is dropped.
    /// </summary>
    internal static Tensor Resample(Tensor logWeights, Tensor uniform)
    {
        var particles = logWeights.shape[1];
        var cumulative = logWeights.softmax(-1).cumsum(-1);
        using var count = ((double)particles).ToScalar();
        var positions = uniform.to(cumulative.dtype).unsqueeze(1).add(arange(particles, dtype: cumulative.dtype, device: cumulative.device).unsqueeze(0)).div(count);
        return cumulative.unsqueeze(1).lt(positions.unsqueeze(2)).sum(-1).clamp_max(particles - 1);
    }

    private static Tensor[] InitialStates(SentenceDecoder decoder, long[] shape, Device device, ScalarType dtype) =>
        Enumerable.Range(0, decoder.StateParts).Select(_ => zeros(shape, dtype: dtype, device: device)).ToArray();

    /// <summary>
    /// Code noise [rows, steps, others, latent] (N(0, I)) and uniforms [rows, steps, others + 1] for each row's particles
    /// after the first: from a generator per row seeded by the bits of two of the row's uniforms, so they depend on the
    /// row's own noise only. A step's first uniform is its resampling offset; the others pick the particles' components.
    /// </summary>
    private static (Tensor Noise, Tensor Uniforms) OtherParticleNoise(Tensor uniform, int others, int steps, long latent)
    {
        var rows = uniform.shape[0];
        var bits = uniform.narrow(1, 0, 2).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var noise = new Tensor[rows];
        var uniforms = new Tensor[rows];
        for (var r = 0; r < rows; r++)
        {
            var seed = ((ulong)BitConverter.SingleToUInt32Bits(bits[2 * r]) << 32) | BitConverter.SingleToUInt32Bits(bits[2 * r + 1]);
            using var generator = new Generator(seed, uniform.device);
            noise[r] = randn([steps, others, latent], device: uniform.device, generator: generator);
            uniforms[r] = rand([steps, others + 1], device: uniform.device, generator: generator);
        }
        return (stack(noise, 0), stack(uniforms, 0));
    }
}
