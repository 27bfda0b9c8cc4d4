using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Audio.Models;

/// <summary>
/// A MusicVAE-style sequence VAE over discrete tokens: a bidirectional LSTM encoder gives μ and log σ²;
/// z sets the decoder's initial state (dense + tanh) and is concatenated to every decoder input;
/// an autoregressive LSTM decoder predicts each token from the previous one.
/// Inputs are token ids of shape [batch, steps] (int64).
/// </summary>
public sealed class SequenceVae : nn.Module<Tensor, Tensor>, IVaeModel
{
    private readonly LSTM encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear toDecoderState;
    private readonly LSTM decoder;
    private readonly Linear toLogits;

    /// <summary>Builds the model with freshly initialised weights (seed torch's RNG first for reproducibility).</summary>
    public SequenceVae(SequenceVaeOptions options) : base(nameof(SequenceVae))
    {
        Settings = options.Validate();
        var o = options;
        encoder = nn.LSTM(o.VocabularySize, o.EncoderHidden, o.EncoderLayers, batchFirst: true, bidirectional: true);
        toMean = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toLogVariance = nn.Linear(2 * o.EncoderHidden, o.LatentSize);
        toDecoderState = nn.Linear(o.LatentSize, 2L * o.DecoderLayers * o.DecoderHidden);
        decoder = nn.LSTM(o.VocabularySize + o.LatentSize, o.DecoderHidden, o.DecoderLayers, batchFirst: true);
        toLogits = nn.Linear(o.DecoderHidden, o.VocabularySize);
        RegisterComponents();
    }

    /// <summary>The model's sizes.</summary>
    public SequenceVaeOptions Settings { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "sequence-vae";

    /// <inheritdoc />
    public int LatentSize => Settings.LatentSize;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <summary>Teacher-forced logits [batch, steps, vocab] with z = μ (a deterministic forward pass).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var posterior = Encode(tokens);
        return TeacherForcedLogits(tokens, posterior.Mean);
    }

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor tokens)
    {
        CheckTokens(tokens);
        var x = OneHot(tokens);
        var (_, hN, _) = encoder.forward(x, null);
        // hN: [layers * 2, batch, hidden]; the last layer's forward and backward final states.
        var layers = hN.shape[0];
        var summary = cat([hN[layers - 2], hN[layers - 1]], 1);
        return new DiagonalGaussian(toMean.forward(summary), toLogVariance.forward(summary));
    }

    /// <summary>Samples z = μ + σ ε from a posterior.</summary>
    public static Tensor Reparameterize(DiagonalGaussian posterior, Generator? generator = null) =>
        posterior.Reparameterize(generator);

    /// <summary>Teacher-forced logits [batch, steps, vocab] for <paramref name="tokens"/> given z.</summary>
    public Tensor TeacherForcedLogits(Tensor tokens, Tensor z)
    {
        var batch = tokens.shape[0];
        var steps = tokens.shape[1];
        // Previous-token inputs: a zero vector at t = 0, then the one-hot of token t−1.
        var previous = F.pad(OneHot(tokens)[.., ..(int)(steps - 1), ..], [0, 0, 1, 0]);
        var zRepeated = z.unsqueeze(1).expand(batch, steps, z.shape[1]);
        var (output, _, _) = decoder.forward(cat([previous, zRepeated], 2), InitialState(z));
        return toLogits.forward(output);
    }

    /// <inheritdoc />
    public Reconstruction Reconstruct(Tensor tokens, Tensor z, ReconstructionSettings settings)
    {
        CheckTokens(tokens);
        var logits = settings.ScheduledSamplingRate > 0
            ? ScheduledSamplingLogits(tokens, z, settings.ScheduledSamplingRate, settings.Generator)
            : TeacherForcedLogits(tokens, z);
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

    /// <summary>Autoregressive decode: token ids [batch, steps] (int64).</summary>
    public Tensor Generate(Tensor z, GenerationSettings settings) => Generate(z, Settings.SequenceLength, settings);

    /// <summary>Autoregressive decode of <paramref name="steps"/> tokens per row of z.</summary>
    public Tensor Generate(Tensor z, int steps, GenerationSettings settings)
    {
        var batch = z.shape[0];
        var vocabulary = Settings.VocabularySize;
        var state = InitialState(z);
        var tokens = new Tensor[steps];
        if (settings.Uniform is null)
        {
            var input = zeros(batch, 1, vocabulary, dtype: z.dtype, device: z.device);
            var zStep = z.unsqueeze(1);
            for (var t = 0; t < steps; t++)
            {
                var next = Choose(DecoderStep(input, zStep, ref state), settings.Temperature, settings.Generator);
                tokens[t] = next;
                input = OneHot(next.unsqueeze(1));
            }
            return stack(tokens, 1);
        }

        var uniform = settings.Uniform;
        if (uniform.dim() != 2 || uniform.shape[0] != batch || uniform.shape[1] < steps)
            throw new ArgumentException($"per-row noise must have shape [{batch}, ≥{steps}]; got [{string.Join(", ", uniform.shape)}].");
        var temperatures = settings.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures.");
        // One input buffer for all steps: z is written once; each step only rewrites the one-hot part.
        var buffer = cat([zeros(batch, 1, vocabulary, dtype: z.dtype, device: z.device), z.unsqueeze(1)], 2);
        var oneHot = buffer.narrow(2, 0, vocabulary);
        using var one = tensor(1.0f, dtype: z.dtype, device: z.device);
        for (var t = 0; t < steps; t++)
        {
            var (output, h, c) = decoder.forward(buffer, state);
            state = (h, c);
            var logits = toLogits.forward(output.squeeze(1));
            var next = TokenSampler.Sample(logits, uniform.select(1, t), temperatures, settings.TopPs);
            tokens[t] = next;
            if (t + 1 < steps) oneHot.zero_().scatter_(2, next.view(batch, 1, 1), one.expand(batch, 1, 1));
        }
        return stack(tokens, 1);
    }

    private Tensor ScheduledSamplingLogits(Tensor tokens, Tensor z, double rate, Generator? generator)
    {
        var batch = tokens.shape[0];
        var steps = (int)tokens.shape[1];
        var state = InitialState(z);
        var input = zeros(batch, 1, Settings.VocabularySize, dtype: z.dtype, device: z.device);
        var zStep = z.unsqueeze(1);
        var all = new Tensor[steps];
        for (var t = 0; t < steps; t++)
        {
            var logits = DecoderStep(input, zStep, ref state);
            all[t] = logits;
            if (t + 1 < steps)
            {
                Tensor sampled;
                using (no_grad())
                {
                    sampled = Choose(logits, 1.0, generator);
                }
                var useSample = empty(batch, dtype: ScalarType.Float32, device: z.device).bernoulli_(rate, generator).to(ScalarType.Bool);
                var chosen = where(useSample, sampled, tokens[.., t]);
                input = OneHot(chosen.unsqueeze(1));
            }
        }
        return stack(all, 1);
    }

    /// <summary>One decoder step: previous-token one-hot [batch, 1, vocab] and z [batch, 1, latent] to logits [batch, vocab].</summary>
    private Tensor DecoderStep(Tensor previous, Tensor zStep, ref (Tensor, Tensor) state)
    {
        var (output, h, c) = decoder.forward(cat([previous, zStep], 2), state);
        state = (h, c);
        return toLogits.forward(output.squeeze(1));
    }

    /// <inheritdoc />
    public long[] RowNoiseShape => [Settings.SequenceLength];

    /// <summary>Argmax at temperature 0, else a draw from softmax(logits / temperature) (the hierarchical model decodes the same way).</summary>
    internal static Tensor Choose(Tensor logits, double temperature, Generator? generator)
    {
        if (temperature <= 0) return logits.argmax(-1);
        using var divisor = temperature.ToScalar();
        var probabilities = F.softmax(logits.div(divisor), -1);
        return probabilities.multinomial(1, false, generator).squeeze(-1);
    }

    private (Tensor, Tensor) InitialState(Tensor z) => StateFrom(toDecoderState, z, Settings.DecoderLayers, Settings.DecoderHidden);

    /// <summary>An LSTM's (h, c) from a code: dense + tanh, laid out as [layers, batch, hidden] each.</summary>
    internal static (Tensor, Tensor) StateFrom(Linear dense, Tensor code, int layers, int hidden)
    {
        var state = tanh(dense.forward(code)).view(code.shape[0], 2, layers, hidden).permute(1, 2, 0, 3);
        return (state[0].contiguous(), state[1].contiguous());
    }

    private Tensor OneHot(Tensor tokens) =>
        F.one_hot(tokens, Settings.VocabularySize).to(toLogits.weight!.dtype);

    private void CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2)
            throw new ArgumentException($"expected token ids of shape [batch, steps]; got {tokens.dim()} dimensions.");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"expected int64 token ids; got {tokens.dtype}.");
    }
}
