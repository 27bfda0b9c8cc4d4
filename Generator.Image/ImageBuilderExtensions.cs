using VaeCreative.Core.Serving;
using VaeCreative.Image.Models;

namespace VaeCreative.Image;

/// <summary>Registers the image modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody().AddText().AddImage())</c>.</summary>
public static class ImageBuilderExtensions
{
    /// <summary>Adds the image modality and its model kinds and formats (<see cref="ImageModelKinds"/>).</summary>
    public static VaeCreativeBuilder AddImage(this VaeCreativeBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.ModelKinds.AddImageKinds();
        return b.AddModality(new ImageModality());
    }
}
