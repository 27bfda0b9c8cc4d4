using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Support;

public static class TinyModels
{
    /// <summary>The default melody model's encoding with tiny layers, so tests train in milliseconds.</summary>
    public static SequenceVaeOptions MelodyOptions { get; } = MelodyModality.DefaultModelOptions with
    {
        EncoderHidden = 32,
        DecoderHidden = 32,
        DecoderLayers = 1,
        LatentSize = 8,
    };

    public static SequenceVae Melody(long seed = 0)
    {
        var model = SeededInit.Create("tiny-melody", seed, () => new SequenceVae(MelodyOptions));
        model.eval();
        return model;
    }

    /// <summary>Random canonical 2-bar windows.</summary>
    public static MelodyDataset RandomWindows(int count, int seed)
    {
        var random = new Random(seed);
        return MelodyDataset.FromWindows(Enumerable.Range(0, count).Select(_ => TestMelodies.Random(random, MelodyEncoding.WindowSteps)).ToList());
    }
}
