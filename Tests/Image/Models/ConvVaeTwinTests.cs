using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;
using VaeCreative.Image.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

/// <summary>
/// ConvVae against its PyTorch twin (bench/reference/image_vae.py, the model the Fashion-MNIST twin run trains): the
/// same small runs from closed-form weights, images and noise, pinned to what conv_vae_twin_reference.py prints
/// (PyTorch 1.13, Debian's python3-torch). A change to the C# model, its objective or its decoding that the twin does
/// not share fails here.
/// </summary>
public class ConvVaeTwinTests
{
    private const int Steps = 3;
    private const double LearningRate = 0.01, Clip = 1.0, Beta = 1.0, FreeBits = 0.25;

    /// <summary>The reference's figures for one case.</summary>
    public sealed record Expected(
        double[] Losses, double[] Reconstructions, double[] Kls, double[] GradientNorms,
        double MeanSum, double LogVarianceSum, double ModeSum, double ModeFirst, double ModeLast, double DrawnSum, double WeightSum);

    private static readonly Dictionary<string, (ConvVaeOptions Options, int Batch, Expected Expected)> Cases = new()
    {
        ["bernoulli"] = (new ConvVaeOptions { Channels = 1, Height = 8, Width = 8, ConvChannels = [4, 8], LatentSize = 3 }, 4, new Expected(
            Losses: [47.38408660888672, 46.81415557861328, 46.65526580810547],
            Reconstructions: [47.23759460449219, 46.81415557861328, 46.65526580810547],
            Kls: [0.31977957487106323, 0.053720369935035706, 0.0192120224237442],
            GradientNorms: [14.574562072753906, 13.288999557495117, 13.030202865600586],
            MeanSum: 0.049160853028297424, LogVarianceSum: 1.3083496391773224,
            ModeSum: 69.51968571543694, ModeFirst: 0.5638817548751831, ModeLast: 0.5507485270500183,
            DrawnSum: 69.0, WeightSum: -9.841195544606308)),
        ["logistic"] = (new ConvVaeOptions { Channels = 4, Height = 8, Width = 8, ConvChannels = [4, 8], LatentSize = 3, Likelihood = ConvVaeOptions.Logistic }, 3, new Expected(
            Losses: [1589.4681396484375, 1584.267578125, 1579.2197265625],
            Reconstructions: [1589.4658203125, 1584.267578125, 1579.2197265625],
            Kls: [0.1173272356390953, 0.014875680208206177, 0.04166722670197487],
            GradientNorms: [119.5163803100586, 119.705322265625, 121.56261444091797],
            MeanSum: 0.19811715930700302, LogVarianceSum: 2.2338052839040756,
            ModeSum: 256.34902915358543, ModeFirst: 0.5215686559677124, ModeLast: 0.5176470875740051,
            DrawnSum: 256.10196450026706, WeightSum: -17.019907939771656)),
    };

    [Theory]
    [InlineData("bernoulli")]
    [InlineData("logistic")]
    public void Matches_the_PyTorch_twin(string likelihood)
    {
        var (options, batch, expected) = Cases[likelihood];
        using var scope = NewDisposeScope();
        using var model = new ConvVae(options);
        var parameters = SetWeights(model);
        var x = Images(options, batch);
        var optimizer = new AdamOptimizer(parameters, LearningRate);
        model.train();
        for (var step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var posterior = model.Encode(x);
            var z = posterior.Mean + posterior.StdDev * Noise(batch, options.LatentSize, step);
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
            var z = Noise(2, options.LatentSize, 5.0);
            long[] shape = [2, options.Channels, options.Height, options.Width];
            var mode = model.Generate(z, new GenerationSettings { Uniform = Uniform(shape), Temperatures = zeros(2) });
            var drawn = model.Generate(z, new GenerationSettings { Uniform = Uniform(shape), Temperatures = tensor(new[] { 1f, 0.5f }) });
            var posterior = model.Encode(x);
            Close(expected.MeanSum, posterior.Mean.to(ScalarType.Float64).sum().item<double>(), "posterior mean sum", absolute: 1e-5);
            Close(expected.LogVarianceSum, posterior.LogVariance.to(ScalarType.Float64).sum().item<double>(), "log-variance sum", absolute: 1e-5);
            Close(expected.ModeSum, mode.to(ScalarType.Float64).sum().item<double>(), "temperature-0 sum");
            Close(expected.ModeFirst, mode.flatten()[0].item<float>(), "first temperature-0 value");
            Close(expected.ModeLast, mode.flatten()[-1].item<float>(), "last temperature-0 value");
            Close(expected.DrawnSum, drawn.to(ScalarType.Float64).sum().item<double>(), "drawn sum");
            Close(expected.WeightSum, parameters.Sum(p => p.to(ScalarType.Float64).sum().item<double>()), "weight sum");
        }
    }

    /// <summary>Relative 1e-5 (float32 rounding through a few thousand operations), or <paramref name="absolute"/> for figures near 0.</summary>
    private static void Close(double expected, double actual, string what, double absolute = 0)
    {
        var tolerance = Math.Max(absolute, 1e-5 * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: the twin gives {expected}, ConvVae {actual}.");
    }

    /// <summary>
    /// Parameter k in the model's parameter order (each layer's weight, then its bias), element j:
    /// sin(0.37 j + 1.1 k + 0.2) / √fan-in (a bias takes its weight's fan-in), computed in float64 and stored as float32.
    /// </summary>
    private static List<Parameter> SetWeights(ConvVae model)
    {
        var parameters = model.parameters().ToList();
        long fanIn = 1;
        using var noGrad = no_grad();
        for (var k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            if (p.dim() > 1) fanIn = p.shape[1] * (p.dim() > 2 ? p.shape[2] * p.shape[3] : 1);
            var values = new float[p.numel()];
            for (var j = 0; j < values.Length; j++) values[j] = (float)(Math.Sin(0.37 * j + 1.1 * k + 0.2) / Math.Sqrt(fanIn));
            p.copy_(tensor(values).view(p.shape));
        }
        return parameters;
    }

    private static Tensor Images(ConvVaeOptions o, int batch)
    {
        var (c, s) = (o.Channels, o.Height);
        var values = new float[batch * c * s * s];
        var bernoulli = o.Likelihood == ConvVaeOptions.Bernoulli;
        for (var i = 0; i < batch; i++)
        for (var ch = 0; ch < c; ch++)
        for (var y = 0; y < s; y++)
        for (var x = 0; x < s; x++)
            values[((i * c + ch) * s + y) * s + x] = bernoulli
                ? (i * 7 + y * 3 + x * 5) % 3 == 0 ? 1f : 0f
                : (float)(((i * 37 + ch * 11 + y * 13 + x * 7) % 256) / 255.0);
        return tensor(values, [batch, c, s, s]);
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
