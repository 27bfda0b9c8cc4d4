using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;

namespace VaeCreative.Image.Models;

/// <summary>
/// The model kinds the image modality trains and loads: the spatial <c>autoencoder-kl</c> and the one-code
/// <c>conv-vae</c>, and Stable Diffusion VAE files (<see cref="DiffusersVaeFormat"/>).
/// </summary>
public static class ImageModelKinds
{
    /// <summary>Adds the image kinds and formats to <paramref name="kinds"/>.</summary>
    public static ModelKindRegistry AddImageKinds(this ModelKindRegistry kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        kinds.Add(SpatialImageVae.KindName, s => new SpatialImageVae(ModelManifest.FromJsonObject<SpatialImageVaeOptions>(s)));
        kinds.Add(ConvVae.KindName, s => new ConvVae(ModelManifest.FromJsonObject<ConvVaeOptions>(s)));
        return kinds.AddForeignFormat(new DiffusersVaeFormat());
    }
}
