using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using VaeCreative.Text.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Text.Models;

/// <summary>
/// SpanLatentVae against its PyTorch twin (bench/reference/text_vae.py, the model the text benchmark runs beside the
/// C# one): the same small runs from closed-form weights, token rows and noise, pinned to what
/// span_vae_twin_reference.py prints (PyTorch 1.13, Debian's python3-torch). A change to the C# model (its span
/// pooling, masking or per-step codes), its objective, its decoding or the engine's posterior-noise arithmetic that the
/// twin does not share fails here, and the benchmark's twin would no longer decode what the C# side decodes.
/// </summary>
public class SpanLatentVaeTwinTests
{
    private const int Steps = 3;
    private const double LearningRate = 0.01, Clip = 1.0, Beta = 1.0, FreeBits = 0.25, Similarity = 0.75;
    private static readonly int[] Lengths = [3, 6, 5];

    private static readonly SentenceVaeOptions Shape = new()
    {
        VocabularySize = 16,
        MaxTokens = 10,
        PadId = 0,
        BosId = 1,
        EosId = 2,
        EmbeddingSize = 6,
        EncoderHidden = 5,
        DecoderHidden = 7,
        DecoderLayers = 1,
        LatentSize = 3,
        WordDropout = 0, // word dropout draws from a generator: off, so nothing depends on generators agreeing
    };

    /// <summary>The reference's figures for one case.</summary>
    public sealed record Expected(
        double[] Losses, double[] Reconstructions, double[] Kls, double[] GradientNorms,
        double MeanSum, double LogVarianceSum, long[] EmptySpans, long[][] Decoded, double VariedCodeSum, long[][] Varied,
        double WeightSum);

    private static readonly Dictionary<string, (int SpanTokens, RecurrentCell Cell, Expected Expected)> Cases = new()
    {
        ["lstm-2"] = (2, RecurrentCell.Lstm, new Expected(
            Losses: [22.294830322265625, 21.401514053344727, 20.40324592590332],
            Reconstructions: [17.320310592651367, 17.018251419067383, 16.54950523376465],
            Kls: [5.147807598114014, 4.5565505027771, 4.027027606964111],
            GradientNorms: [9.8052339553833, 8.12790584564209, 7.173819541931152],
            MeanSum: 11.694614917039871, LogVarianceSum: -8.18295781314373,
            EmptySpans: [3, 1, 2],
            Decoded: [[1, 13, 2, 0, 0, 0, 0, 0, 0, 0], [1, 7, 2, 0, 0, 0, 0, 0, 0, 0], [1, 10, 4, 13, 7, 2, 0, 0, 0, 0]],
            VariedCodeSum: 7.870511155575514,
            Varied: [[1, 4, 13, 8, 2, 0, 0, 0, 0, 0], [1, 7, 2, 0, 0, 0, 0, 0, 0, 0], [1, 10, 2, 0, 0, 0, 0, 0, 0, 0]],
            WeightSum: -5.056347944773734)),
        ["gru-3"] = (3, RecurrentCell.Gru, new Expected(
            Losses: [22.570287704467773, 20.514833450317383, 19.005449295043945],
            Reconstructions: [18.480493545532227, 17.463481903076172, 16.708852767944336],
            Kls: [4.2630791664123535, 3.2246391773223877, 2.4698832035064697],
            GradientNorms: [16.972360610961914, 12.938549995422363, 10.190058708190918],
            MeanSum: 3.7447510957717896, LogVarianceSum: -4.273436337709427,
            EmptySpans: [1, 0, 1],
            Decoded: [[1, 2, 0, 0, 0, 0, 0, 0, 0, 0], [1, 7, 2, 0, 0, 0, 0, 0, 0, 0], [1, 10, 4, 13, 6, 2, 0, 0, 0, 0]],
            VariedCodeSum: 10.318849444389343,
            Varied: [[1, 2, 0, 0, 0, 0, 0, 0, 0, 0], [1, 7, 2, 0, 0, 0, 0, 0, 0, 0], [1, 10, 4, 13, 7, 2, 0, 0, 0, 0]],
            WeightSum: -11.397125148912892)),
    };

    [Theory]
    [InlineData("lstm-2")]
    [InlineData("gru-3")]
    public void Matches_the_PyTorch_twin(string name)
    {
        var (spanTokens, cell, expected) = Cases[name];
        using var scope = NewDisposeScope();
        var options = Shape with { SpanTokens = spanTokens, Cell = cell };
        using var initialization = new Generator(0); // overwritten below; its own generator keeps the global RNG out
        using var model = new SpanLatentVae(options, initialization);
        var parameters = SetWeights(model);
        var x = Rows();
        var optimizer = new AdamOptimizer(parameters, LearningRate);
        model.train();
        for (var step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var posterior = model.Encode(x);
            var z = posterior.Mean + posterior.StdDev * Noise(Lengths.Length, model.LatentSize, step);
            var reconstruction = model.Reconstruct(x, z, ReconstructionSettings.TeacherForced);
            var kl = posterior.KlToStandardNormal();
            var terms = ElboTerms.Compute(reconstruction.Nll, kl, Beta, FreeBits);
            terms.Loss.backward();
            var norm = nn.utils.clip_grad_norm_(parameters, Clip);
            optimizer.step();
            Close(expected.Losses[step], terms.Loss.item<float>(), $"loss at step {step}");
            Close(expected.Reconstructions[step], reconstruction.Nll.mean().item<float>(), $"reconstruction at step {step}");
            Close(expected.Kls[step], kl.mean().item<float>(), $"KL at step {step}", absolute: 1e-5);
            Close(expected.GradientNorms[step], norm, $"gradient norm at step {step}");
        }

        model.eval();
        using (no_grad())
        {
            var posterior = model.Encode(x);
            Close(expected.MeanSum, posterior.Mean.to(ScalarType.Float64).sum().item<double>(), "posterior mean sum", absolute: 1e-5);
            Close(expected.LogVarianceSum, posterior.LogVariance.to(ScalarType.Float64).sum().item<double>(), "log-variance sum", absolute: 1e-5);
            var empty = posterior.Mean.view(Lengths.Length, options.Spans, options.LatentSize).eq(0).all(2).sum(1);
            Assert.Equal(expected.EmptySpans, empty.data<long>().ToArray());

            var rows = Lengths.Length;
            var decoded = model.Generate(Noise(rows, model.LatentSize, 5.0),
                GenerationSettings.PerRow(Uniform([rows, options.MaxTokens]), tensor(new[] { 0f, 1f, 0.5f })));
            AssertTokens(expected.Decoded, decoded, "decoded");

            // The variation engine's posterior-noise draw around row 0: μ + spread × (1 − similarity) × σ ⊙ ε, in its operations.
            var seed = model.Encode(x.narrow(0, 0, 1));
            using var scale = (VariationEngine.PosteriorNoiseSpread * (1.0 - Similarity)).ToScalar();
            var codes = seed.Mean.repeat(rows, 1).add(seed.StdDev.repeat(rows, 1).mul(Noise(rows, model.LatentSize, 7.0)), scale);
            Close(expected.VariedCodeSum, codes.to(ScalarType.Float64).sum().item<double>(), "varied code sum", absolute: 1e-5);
            var varied = model.Generate(codes, GenerationSettings.PerRow(Uniform([rows, options.MaxTokens]), tensor(new[] { 0.5f, 0.5f, 0.5f })));
            AssertTokens(expected.Varied, varied, "varied");
            Close(expected.WeightSum, parameters.Sum(p => p.to(ScalarType.Float64).sum().item<double>()), "weight sum");
        }
    }

    private static void AssertTokens(long[][] expected, Tensor actual, string what)
    {
        var rows = Enumerable.Range(0, expected.Length).Select(r => actual[r].data<long>().ToArray()).ToArray();
        for (var r = 0; r < expected.Length; r++)
            Assert.True(expected[r].SequenceEqual(rows[r]),
                $"{what} row {r}: the twin decodes [{string.Join(", ", expected[r])}], SpanLatentVae [{string.Join(", ", rows[r])}].");
    }

    /// <summary>Relative 1e-5 (float32 rounding through a few thousand operations), or <paramref name="absolute"/> for figures near 0.</summary>
    private static void Close(double expected, double actual, string what, double absolute = 0)
    {
        var tolerance = Math.Max(absolute, 1e-5 * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: the twin gives {expected}, SpanLatentVae {actual}.");
    }

    /// <summary>
    /// Parameter k in name order (ordinal), element j: sin(0.37 j + 1.1 k + 0.2) × (3 / √columns for a matrix, 0.3 for
    /// a vector), computed in float64 and stored as float32. Returns the parameters in the module's order.
    /// </summary>
    private static List<Parameter> SetWeights(SpanLatentVae model)
    {
        var named = model.named_parameters().ToList();
        using var noGrad = no_grad();
        var k = 0;
        foreach (var (_, p) in named.OrderBy(n => n.name, StringComparer.Ordinal))
        {
            var scale = p.dim() == 2 ? 3 / Math.Sqrt(p.shape[1]) : 0.3;
            var values = new float[p.numel()];
            for (var j = 0; j < values.Length; j++) values[j] = (float)(Math.Sin(0.37 * j + 1.1 * k + 0.2) * scale);
            p.copy_(tensor(values).view(p.shape));
            k++;
        }
        return named.Select(n => n.parameter).ToList();
    }

    /// <summary>Row i: BOS, tokens 3 + (5 i + 3 t) mod 13 for t below its length, EOS, then padding to the longest row (8 of the model's 10 positions).</summary>
    private static Tensor Rows()
    {
        var width = Lengths.Max() + 2;
        var data = new long[Lengths.Length * width];
        for (var i = 0; i < Lengths.Length; i++)
        {
            data[i * width] = Shape.BosId;
            for (var t = 0; t < Lengths[i]; t++) data[i * width + t + 1] = 3 + (5 * i + 3 * t) % 13;
            data[i * width + Lengths[i] + 1] = Shape.EosId;
        }
        return tensor(data, [Lengths.Length, width]);
    }

    /// <summary>Stand-ins for normal draws: 1.5 sin(0.9 r + 1.7 c + phase).</summary>
    private static Tensor Noise(int rows, int columns, double phase)
    {
        var values = new float[rows * columns];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < columns; c++)
            values[r * columns + c] = (float)(1.5 * Math.Sin(0.9 * r + 1.7 * c + phase));
        return tensor(values, [rows, columns]);
    }

    /// <summary>Stand-ins for uniform draws in (0, 1): frac(0.6180339887 (e + 1)) for element e in order.</summary>
    private static Tensor Uniform(long[] shape)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var e = 0; e < values.Length; e++)
        {
            var v = 0.6180339887 * (e + 1);
            values[e] = (float)(v - Math.Floor(v));
        }
        return tensor(values, shape);
    }
}
