using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Audio.Melodies;

/// <summary>The one check the audio modalities make of a model they are handed: its modality, its kind, and its token encoding.</summary>
internal static class SequenceModelCheck
{
    /// <summary>
    /// Throws <see cref="ModelLoadException"/> unless <paramref name="manifest"/> is a <paramref name="modality"/>
    /// model of one of <paramref name="kinds"/> (default: a sequence VAE) over <paramref name="classes"/> classes in
    /// windows of one of <paramref name="windowSteps"/> steps; returns its window length.
    /// </summary>
    public static int Require(ModelManifest manifest, string directory, string modality, int classes, IReadOnlyCollection<int> windowSteps,
        IReadOnlyCollection<string>? kinds = null)
    {
        kinds ??= [SequenceVae.KindName];
        if (manifest.Modality != modality)
            throw new ModelLoadException($"the model in '{directory}' is a {manifest.Modality} model; this needs a {modality} model.");
        if (!kinds.Contains(manifest.ModelKind))
            throw new ModelLoadException($"the {modality} model in '{directory}' is a {manifest.ModelKind}; {modality} models here are {string.Join(" or ", kinds)}.");
        var actualClasses = manifest.Encoding["classes"]?.GetValue<int>();
        var window = manifest.Encoding["windowSteps"]?.GetValue<int>();
        if (actualClasses != classes || window is not { } w || !windowSteps.Contains(w))
            throw new ModelLoadException($"the {modality} model in '{directory}' uses another encoding ({actualClasses} classes, {window}-step windows); this build reads {classes} classes in {string.Join(" or ", windowSteps)}-step windows.");
        return w;
    }
}
