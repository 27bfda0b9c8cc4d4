using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;

namespace VaeCreative.Core.Modalities;

/// <summary>
/// A kind of material (melody, text, …): everything the host, the CLI and the training code need to know about it,
/// so none of them names a modality's types. Registered with <c>AddVaeCreative(models, b =&gt; b.Add…())</c>.
/// </summary>
public interface IModality
{
    /// <summary>Name in manifests and on the command line, e.g. <c>melody</c>.</summary>
    string Name { get; }

    /// <summary>Id (folder name) of the bundled default model, e.g. <c>melody-2bar</c>.</summary>
    string DefaultModelId { get; }

    /// <summary>Formats it reads; the first is what it writes.</summary>
    IReadOnlyList<MaterialFormat> Formats { get; }

    /// <summary>Options it adds to the CLI's commands.</summary>
    IReadOnlyList<ModalityOption> Options { get; }

    /// <summary>
    /// Seeds from a file given on the command line (<paramref name="properties"/> carries this modality's options,
    /// e.g. the MIDI track). A melody file is one seed; a text file gives one seed per non-empty line.
    /// Throws <see cref="MaterialException"/>.
    /// </summary>
    IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties);

    /// <summary>
    /// Generation on <paramref name="model"/> (a model of this modality); throws
    /// <see cref="Checkpoints.ModelLoadException"/> when its encoding is one this build cannot drive.
    /// </summary>
    IMaterialGenerator Open(LoadedModel model);

    /// <summary>How models of this modality are trained and evaluated.</summary>
    ITrainingRecipe Training { get; }

    /// <summary>
    /// The decoding temperature of <c>vary</c> and <c>sample</c> when a request gives none: Core's
    /// <see cref="Variation.GenerationLimits.DefaultTemperature"/> unless the modality's outputs want another (images: 0,
    /// since drawing every pixel value gives pixel noise, not variety).
    /// </summary>
    double DefaultTemperature => Variation.GenerationLimits.DefaultTemperature;

    /// <summary>
    /// How this modality's outputs are judged against their seeds (<c>eval --variations</c>); null when it offers no
    /// such measures. Created on use: a measure may read a word list or other data.
    /// </summary>
    Evaluation.IVariationMeasures? VariationMeasures() => null;
}
