namespace VaeCreative.Core.Modalities;

/// <summary>
/// A command-line option a modality adds (e.g. melody's <c>--track</c>). The CLI declares it on the named commands
/// and passes its value, as text, to the modality under <see cref="Key"/>: for vary and interpolate as a property of
/// the seed material, for sample as a sample property, for train as a training setting. Giving it for a model of
/// another modality is an error.
/// </summary>
/// <param name="Name">The option with its dashes, e.g. <c>--track</c>.</param>
/// <param name="Key">Property or setting name the value is passed under, e.g. <c>track</c>.</param>
/// <param name="Description">Help text (say the default and the range).</param>
/// <param name="Commands">Where it appears.</param>
/// <param name="IsFlag">A switch without a value (<c>--keep-arrangement</c>): given, it passes <c>true</c>.</param>
public sealed record ModalityOption(string Name, string Key, string Description, ModalityCommands Commands, bool IsFlag = false);
