using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Audio.Models;

/// <summary>The model kinds the audio modalities train: <c>sequence-vae</c> (melodies, drums) and <c>hierarchical-sequence-vae</c> (16-bar melodies).</summary>
public static class AudioModelKinds
{
    /// <summary>
    /// Adds the audio kinds to <paramref name="kinds"/> unless they are there already (melody and drums share them, and
    /// either may be registered alone).
    /// </summary>
    public static ModelKindRegistry AddAudioKinds(this ModelKindRegistry kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (!kinds.Contains(SequenceVae.KindName))
            kinds.Add(SequenceVae.KindName, s => new SequenceVae(ModelManifest.FromJsonObject<SequenceVaeOptions>(s)));
        if (!kinds.Contains(HierarchicalSequenceVae.KindName))
            kinds.Add(HierarchicalSequenceVae.KindName, s => new HierarchicalSequenceVae(ModelManifest.FromJsonObject<HierarchicalSequenceVaeOptions>(s)));
        return kinds;
    }
}
