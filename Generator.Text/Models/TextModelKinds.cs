using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Text.Models;

/// <summary>The model kinds the text modality trains: <c>span-latent-vae</c>, <c>sentence-vae</c> and its language-model baseline <c>sentence-lm</c>.</summary>
public static class TextModelKinds
{
    /// <summary>Adds the text kinds to <paramref name="kinds"/>.</summary>
    public static ModelKindRegistry AddTextKinds(this ModelKindRegistry kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        kinds.Add(SentenceVae.KindName, s => new SentenceVae(ModelManifest.FromJsonObject<SentenceVaeOptions>(s)));
        kinds.Add(SpanLatentVae.KindName, s => new SpanLatentVae(ModelManifest.FromJsonObject<SentenceVaeOptions>(s)));
        return kinds.Add(SentenceLm.KindName, s => new SentenceLm(ModelManifest.FromJsonObject<SentenceVaeOptions>(s)));
    }
}
