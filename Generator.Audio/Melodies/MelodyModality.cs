using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Audio.Models;
using VaeCreative.Audio.Rendering;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Melodies;

/// <summary>The melody modality: MIDI files in and out (whole songs, arrangements kept on request), 2-bar sequence VAEs, the Nottingham-style corpus.</summary>
public sealed class MelodyModality : IModality, IOutputPreview
{
    /// <summary>Modality name in manifests and on the command line.</summary>
    public const string ModalityName = "melody";

    /// <summary>Folder name (id) of the bundled default model.</summary>
    public const string DefaultModelFolder = "melody-2bar";

    /// <summary>Folder name (id) of the bundled 16-bar model (hierarchical; <c>train --size hier16</c>).</summary>
    public const string SixteenBarModelFolder = "melody-16bar";

    /// <summary>The <c>--track</c> property: which track (0-based) holds the melody.</summary>
    public const string TrackProperty = "track";

    /// <summary>The <c>--bars</c> property: vary only these bars (<see cref="BarRange"/>), keep the rest.</summary>
    public const string BarsProperty = MidiMaterialProperties.Bars;

    /// <summary>The <c>--keep-arrangement</c> property: output the seed file with only its melody replaced.</summary>
    public const string KeepArrangementProperty = MidiMaterialProperties.KeepArrangement;

    /// <summary>The <c>--tempo</c> sample property: tempo written into sampled melodies.</summary>
    public const string TempoProperty = "tempoQpm";

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

    string IModality.Name => ModalityName;

    /// <inheritdoc />
    public string DefaultModelId => DefaultModelFolder;

    /// <inheritdoc />
    public IReadOnlyList<MaterialFormat> Formats { get; } = [new(AudioMediaTypes.Midi, [".mid", ".midi"])];

    /// <inheritdoc />
    public IReadOnlyList<ModalityOption> Options { get; } =
    [
        new("--track", TrackProperty, "Melody models: take the melody from this track (0-based) instead of choosing automatically (the non-drum track and channel with the most single-note onsets).",
            ModalityCommands.Vary | ModalityCommands.Interpolate),
        new("--bars", BarsProperty, "Melody models: vary only these bars (FIRST-LAST, FIRST or FIRST-, counted from 1 along the seed's time signatures) and keep the rest as it is.",
            ModalityCommands.Vary),
        new("--keep-arrangement", KeepArrangementProperty, "Melody models: write the seed file itself (its tracks, instruments, tempo and time signatures) with only the melody line's notes replaced (default: the melody alone).",
            ModalityCommands.Vary | ModalityCommands.Interpolate, IsFlag: true),
        new("--tempo", TempoProperty, $"Melody models: tempo of sampled melodies, quarter notes per minute (default {Melody.DefaultTempoQpm}, {Melody.MinSampleTempoQpm}–{Melody.MaxSampleTempoQpm}).",
            ModalityCommands.Sample),
    ];

    /// <inheritdoc />
    public ITrainingRecipe Training { get; } = new MelodyTrainingRecipe();

    /// <inheritdoc />
    public IReadOnlyList<MaterialFormat> PreviewFormats => MelodyPreview.Formats;

    /// <inheritdoc />
    public void CheckAvailable() => SoundfontSynth.CheckAvailable();

    /// <inheritdoc />
    public IReadOnlyList<Material> Preview(Material? seed, Material output) => MelodyPreview.Render(seed, output);

    /// <summary>The manifest's <c>encoding</c> object for models of <paramref name="windowSteps"/>-step windows.</summary>
    public static JsonObject EncodingJson(int windowSteps = MelodyEncoding.WindowSteps) => ModelManifest.ToJsonObject(MelodyEncoding.Describe(windowSteps));

    /// <inheritdoc />
    public IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties)
    {
        return [Material.FromBytes(AudioMediaTypes.Midi, MidiMelodyReader.ReadFileBytes(path), properties)];
    }

    /// <inheritdoc />
    public IMaterialGenerator Open(LoadedModel model)
    {
        CheckCompatible(model.Manifest, model.Directory);
        return new MelodyGenerator(model);
    }

    /// <summary>Throws unless <paramref name="manifest"/> describes a melody sequence model this build can drive.</summary>
    public static void CheckCompatible(ModelManifest manifest, string directory) => WindowSteps(manifest, directory);

    /// <summary>Steps per window of a 16-bar model (16 bars of 4/4).</summary>
    public const int SixteenBarWindowSteps = 16 * MelodyEncoding.StepsPerBar;

    /// <summary>
    /// The window length of the melody model <paramref name="manifest"/> describes (32 steps for 2-bar models, 256 for
    /// 16-bar ones, flat or hierarchical); <see cref="ModelLoadException"/> for a model this build cannot drive.
    /// </summary>
    public static int WindowSteps(ModelManifest manifest, string directory)
    {
        var steps = SequenceModelCheck.Require(manifest, directory, ModalityName, MelodyEncoding.Classes,
            [MelodyEncoding.WindowSteps, SixteenBarWindowSteps], [SequenceVae.KindName, HierarchicalSequenceVae.KindName]);
        if (manifest.ModelKind == HierarchicalSequenceVae.KindName && steps != SixteenBarWindowSteps)
            throw new ModelLoadException($"the hierarchical melody model in '{directory}' reads {steps}-step windows; hierarchical melody models read {SixteenBarWindowSteps}.");
        return steps;
    }
}
