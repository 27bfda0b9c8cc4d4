using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Core.Training;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

public class ConvVaeTests
{
    /// <summary>Images of horizontal or vertical bars: a shape a small conv VAE can learn in a few steps.</summary>
    private sealed class BarImages : ITrainingData
    {
        public int Count => 64;

        public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
        {
            var data = new float[indices.Count * 16 * 16];
            for (var i = 0; i < indices.Count; i++)
            {
                var k = indices[i];
                var at = k % 16;
                for (var j = 0; j < 16; j++)
                {
                    var (y, x) = k % 2 == 0 ? (at, j) : (j, at);
                    data[i * 256 + y * 16 + x] = 1;
                }
            }
            return tensor(data, new long[] { indices.Count, 1, 16, 16 });
        }
    }

    [Fact]
    public void Shapes_round_trip_and_bad_input_is_named()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(1);
        using var model = new ConvVae(new ConvVaeOptions { Height = 16, Width = 16, ConvChannels = [8, 16], LatentSize = 4 }, init);
        var images = new BarImages().Batch([0, 1, 2], null);
        var posterior = model.Encode(images);
        Assert.Equal(new long[] { 3, 4 }, posterior.Mean.shape);
        Assert.Equal(images.shape, model.Generate(posterior.Mean, new GenerationSettings()).shape);
        var e = Assert.Throws<ArgumentException>(() => model.Encode(zeros(2, 1, 28, 28)));
        Assert.Contains("[batch, 1, 16, 16]", e.Message);
        Assert.Throws<ArgumentException>(() => new ConvVae(new ConvVaeOptions { Height = 30, Width = 16, ConvChannels = [8, 16] }));
    }

    [Fact]
    public void Trains_with_the_shared_trainer()
    {
        using var init = new Generator(2);
        using var model = new ConvVae(new ConvVaeOptions { Height = 16, Width = 16, ConvChannels = [8, 16], LatentSize = 4 }, init);
        AssertLossFalls(model);
    }

    private static readonly ConvVaeOptions Logistic = new() { Channels = 2, Height = 16, Width = 16, ConvChannels = [8, 16], LatentSize = 4, Likelihood = ConvVaeOptions.Logistic };

    [Fact]
    public void A_generator_gives_the_same_initial_weights_whatever_the_global_generator_does()
    {
        using var scope = NewDisposeScope();
        using var g1 = new Generator(7);
        using var a = new ConvVae(Logistic, g1);
        rand(1000); // another thread's draw from libtorch's global generator
        using var g2 = new Generator(7);
        using var b = new ConvVae(Logistic, g2);
        using var g3 = new Generator(8);
        using var c = new ConvVae(Logistic, g3);
        var (pa, pb, pc) = (a.parameters().ToList(), b.parameters().ToList(), c.parameters().ToList());
        Assert.All(pa.Zip(pb), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.Contains(pa.Zip(pc), p => !p.First.eq(p.Second).all().item<bool>());
        // PyTorch's default bound, 1/√fan-in: the first conv has 2 × 4 × 4 inputs per output.
        var first = pa[0];
        Assert.True(first.abs().max().item<float>() <= 1 / MathF.Sqrt(32));
    }

    [Fact]
    public void The_logistic_likelihood_scores_8_bit_values_and_generates_them()
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(3);
        using var model = new ConvVae(Logistic, init);
        Assert.Equal(2L * 16 * 16, model.DimensionsPerExample);
        var images = randint(0, 256, new long[] { 3, 2, 16, 16 }, generator: new Generator(4)).to(ScalarType.Float32).div(255.0);
        var z = model.Encode(images).Mean;
        var output = model.Decode(z);
        Assert.Equal(new long[] { 3, 4, 16, 16 }, output.shape);
        var parts = output.split(2, 1);
        var expected = DiscretizedLogistic.LogProbability(images, parts[0], parts[1]).flatten(1).sum(1).neg();
        var nll = model.Reconstruct(images, z, ReconstructionSettings.TeacherForced).Nll;
        Assert.True(nll.allclose(expected), "Reconstruct is the discretised logistic's NLL");
        var generated = model.Generate(z, new GenerationSettings()).data<float>().ToArray();
        Assert.All(generated, v => Assert.Equal(MathF.Round(v * 255) / 255, v, 6));
        Assert.All(generated, v => Assert.InRange(v, 0f, 1f));
        Assert.Throws<ArgumentException>(() => (Logistic with { Likelihood = "gaussian" }).Validate());
    }

    [Fact]
    public void The_logistic_model_trains_with_the_shared_trainer()
    {
        using var init = new Generator(5);
        var options = Logistic with { Channels = 1 };
        using var model = new ConvVae(options, init);
        AssertLossFalls(model);
    }

    /// <summary>Trains <paramref name="model"/> 60 steps on bar images and checks the loss falls by at least 30%.</summary>
    private static void AssertLossFalls(ConvVae model)
    {
        using var dir = new TempDir();
        var losses = new List<double>();
        new Trainer(model, new TrainerOptions { Steps = 60, BatchSize = 16, LearningRate = 3e-3, Beta = new ConstantKl(1), CheckpointEvery = 0, ValidateEvery = 0 }, CPU)
            .Train(new BarImages(), null, new CheckpointStore(dir.Path), null, false, new Inline<TrainingProgress>(p => losses.Add(p.Loss)));
        Assert.True(losses.Skip(50).Average() < losses.Take(10).Average() * 0.7,
            $"loss should fall: {losses.Take(10).Average():F1} → {losses.Skip(50).Average():F1}");
    }
}
