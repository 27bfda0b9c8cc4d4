using VaeCreative.Core.Checkpoints;
using VaeCreative.Image.Models;
using VaeCreative.Core.Serving;

namespace VaeCreative.Image;

/// <summary>Registers the image modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody().AddText().AddImage())</c>.</summary>
public static class ImageBuilderExtensions
{
    /// <summary>Adds the image modality and its spatial model kind, <c>autoencoder-kl</c>, and Stable Diffusion VAE files (<see cref="DiffusersVaeFormat"/>) (its one-code <c>conv-vae</c> is one of Core's).</summary>
    public static VaeCreativeBuilder AddImage(this VaeCreativeBuilder b)
    {
        ArgumentNullException.ThrowIfNull(b);
        b.ModelKinds.Add(SpatialImageVae.KindName, settings => new SpatialImageVae(ModelManifest.FromJsonObject<SpatialImageVaeOptions>(settings)));
        b.ModelKinds.AddForeignFormat(new DiffusersVaeFormat());
        return b.AddModality(new ImageModality());
    }
}
