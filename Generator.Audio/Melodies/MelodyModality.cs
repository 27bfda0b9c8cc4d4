using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Audio.Melodies;

/// <summary>The melody modality's name, default model shape and manifest encoding.</summary>
public static class MelodyModality
{
    /// <summary>Modality name in manifests and on the command line.</summary>
    public const string Name = "melody";

    /// <summary>Folder name of the bundled default model.</summary>
    public const string DefaultModelFolder = "melody-2bar";

    /// <summary>MusicVAE cat-mel_2bar_small's shape over the 90-class encoding.</summary>
    public static SequenceVaeOptions DefaultModelOptions { get; } = new()
    {
        VocabularySize = MelodyEncoding.Classes,
        SequenceLength = MelodyEncoding.WindowSteps,
        EncoderHidden = 512,
        EncoderLayers = 1,
        DecoderHidden = 256,
        DecoderLayers = 2,
        LatentSize = 256,
    };

    /// <summary>The manifest's <c>encoding</c> object.</summary>
    public static JsonObject EncodingJson() => ModelManifest.ToJsonObject(MelodyEncoding.Describe());

    /// <summary>Throws unless <paramref name="manifest"/> describes a melody sequence model this build can drive.</summary>
    public static void CheckCompatible(ModelManifest manifest, string directory)
    {
        if (manifest.ModelKind != "sequence-vae")
            throw new ModelLoadException($"the melody model in '{directory}' is a {manifest.ModelKind}; melodies need a sequence-vae.");
        var classes = manifest.Encoding["classes"]?.GetValue<int>();
        var window = manifest.Encoding["windowSteps"]?.GetValue<int>();
        if (classes != MelodyEncoding.Classes || window != MelodyEncoding.WindowSteps)
            throw new ModelLoadException($"the melody model in '{directory}' uses another encoding ({classes} classes, {window}-step windows); this build reads {MelodyEncoding.Classes} classes, {MelodyEncoding.WindowSteps}-step windows.");
    }
}
