using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Core.Training;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Models;

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
        manual_seed(1);
        using var model = new ConvVae(new ConvVaeOptions { Height = 16, Width = 16, ConvChannels = [8, 16], LatentSize = 4 });
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
        manual_seed(2);
        using var model = new ConvVae(new ConvVaeOptions { Height = 16, Width = 16, ConvChannels = [8, 16], LatentSize = 4 });
        using var dir = new TempDir();
        var losses = new List<double>();
        new Trainer(model, new TrainerOptions { Steps = 60, BatchSize = 16, LearningRate = 3e-3, Beta = new ConstantKl(1), CheckpointEvery = 0, ValidateEvery = 0 }, CPU)
            .Train(new BarImages(), null, new CheckpointStore(dir.Path), null, false, new Inline<TrainingProgress>(p => losses.Add(p.Loss)));
        Assert.True(losses.Skip(50).Average() < losses.Take(10).Average() * 0.7,
            $"loss should fall: {losses.Take(10).Average():F1} → {losses.Skip(50).Average():F1}");
    }
}
