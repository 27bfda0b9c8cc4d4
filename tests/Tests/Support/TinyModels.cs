using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Support;

public static class TinyModels
{
    public static SequenceVaeOptions MelodyOptions { get; } = new()
    {
        VocabularySize = MelodyEncoding.Classes,
        SequenceLength = MelodyEncoding.WindowSteps,
        EncoderHidden = 32,
        EncoderLayers = 1,
        DecoderHidden = 32,
        DecoderLayers = 1,
        LatentSize = 8,
    };

    public static SequenceVae Melody(long seed = 0)
    {
        manual_seed(seed);
        var model = new SequenceVae(MelodyOptions);
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
