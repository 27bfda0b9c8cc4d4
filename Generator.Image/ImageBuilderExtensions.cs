using VaeCreative.Core.Serving;

namespace VaeCreative.Image;

/// <summary>Registers the image modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody().AddText().AddImage())</c>.</summary>
public static class ImageBuilderExtensions
{
    /// <summary>Adds the image modality; its model kind, <c>conv-vae</c>, is one of Core's.</summary>
    public static VaeCreativeBuilder AddImage(this VaeCreativeBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return b.AddModality(new ImageModality());
    }
}
