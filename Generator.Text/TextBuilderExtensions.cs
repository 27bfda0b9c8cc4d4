using VaeCreative.Core.Serving;
using VaeCreative.Text.Models;

namespace VaeCreative.Text;

/// <summary>Registers the text modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody().AddText())</c>.</summary>
public static class TextBuilderExtensions
{
    /// <summary>Adds the text modality and its model kinds: <c>span-latent-vae</c>, <c>sentence-vae</c> and its language-model baseline <c>sentence-lm</c>.</summary>
    public static VaeCreativeBuilder AddText(this VaeCreativeBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.ModelKinds.AddTextKinds();
        return b.AddModality(new TextModality());
    }
}
