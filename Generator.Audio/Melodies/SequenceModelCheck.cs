using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Audio.Melodies;

/// <summary>The one check the audio modalities make of a model they are handed: its modality, its kind, and its token encoding.</summary>
internal static class SequenceModelCheck
{
    /// <summary>
    /// Throws <see cref="ModelLoadException"/> unless <paramref name="manifest"/> is a <paramref name="modality"/>
    /// sequence VAE over <paramref name="classes"/> classes in <paramref name="windowSteps"/>-step windows.
    /// </summary>
    public static void Require(ModelManifest manifest, string directory, string modality, int classes, int windowSteps)
    {
        if (manifest.Modality != modality)
            throw new ModelLoadException($"the model in '{directory}' is a {manifest.Modality} model; this needs a {modality} model.");
        if (manifest.ModelKind != SequenceVae.KindName)
            throw new ModelLoadException($"the {modality} model in '{directory}' is a {manifest.ModelKind}; {modality} models here are {SequenceVae.KindName}s.");
        var actualClasses = manifest.Encoding["classes"]?.GetValue<int>();
        var window = manifest.Encoding["windowSteps"]?.GetValue<int>();
        if (actualClasses != classes || window != windowSteps)
            throw new ModelLoadException($"the {modality} model in '{directory}' uses another encoding ({actualClasses} classes, {window}-step windows); this build reads {classes} classes, {windowSteps}-step windows.");
    }
}
