using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Drums;

/// <summary>
/// The drums modality: the drum part (channel 10) of any MIDI file in, drum grooves out, 2-bar sequence VAEs over
/// MusicVAE's 9-class drum encoding. A drums model is chosen with <c>--model</c>; a MIDI seed alone means melody.
/// </summary>
public sealed class DrumModality : IModality
{
    /// <summary>Modality name in manifests and on the command line.</summary>
    public const string ModalityName = "drums";

    /// <summary>Folder name (id) of the bundled default model.</summary>
    public const string DefaultModelFolder = "drums-2bar";

    /// <summary>
    /// MusicVAE cat-drums_2bar_small's shape with a 256-unit encoder: the 512-way one-hot input makes a 512-unit
    /// bidirectional encoder 4.2 million weights on its own, over the 20 MB a bundled model may take.
    /// </summary>
    public static SequenceVaeOptions DefaultModelOptions { get; } = new()
    {
        VocabularySize = DrumEncoding.Classes,
        SequenceLength = DrumEncoding.WindowSteps,
        EncoderHidden = 256,
        EncoderLayers = 1,
        DecoderHidden = 256,
        DecoderLayers = 2,
        LatentSize = 256,
    };

    string IModality.Name => ModalityName;

    /// <inheritdoc />
    public string DefaultModelId => DefaultModelFolder;

    /// <inheritdoc />
    public IReadOnlyList<MaterialFormat> Formats { get; } = [new(AudioMediaTypes.Midi, [".mid", ".midi"])];

    /// <inheritdoc />
    public IReadOnlyList<ModalityOption> Options { get; } =
    [
        new("--bars", MidiMaterialProperties.Bars, "Drums models: vary only these bars (as for melodies) and keep the rest as it is.", ModalityCommands.Vary),
        new("--keep-arrangement", MidiMaterialProperties.KeepArrangement, "Drums models: write the seed file itself with only its drum hits (channel 10, the kit's pitches) replaced.",
            ModalityCommands.Vary | ModalityCommands.Interpolate, IsFlag: true),
    ];

    /// <inheritdoc />
    public ITrainingRecipe Training { get; } = new DrumTrainingRecipe();

    /// <summary>The manifest's <c>encoding</c> object.</summary>
    public static JsonObject EncodingJson() => ModelManifest.ToJsonObject(DrumEncoding.Describe());

    /// <inheritdoc />
    public IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties) =>
        [Material.FromBytes(AudioMediaTypes.Midi, MidiMelodyReader.ReadFileBytes(path), properties)];

    /// <inheritdoc />
    public IMaterialGenerator Open(LoadedModel model)
    {
        CheckCompatible(model.Manifest, model.Directory);
        return new DrumGenerator(model);
    }

    /// <summary>Throws unless <paramref name="manifest"/> describes a drums sequence model this build can drive.</summary>
    public static void CheckCompatible(ModelManifest manifest, string directory) => _ =
        Melodies.SequenceModelCheck.Require(manifest, directory, ModalityName, DrumEncoding.Classes, [DrumEncoding.WindowSteps]);
}
