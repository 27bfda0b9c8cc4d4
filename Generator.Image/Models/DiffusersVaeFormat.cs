using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Image.Training;

namespace VaeCreative.Image.Models;

/// <summary>
/// Stable Diffusion's VAE in its users' files, as an image model: a diffusers folder (<c>config.json</c> and
/// <c>diffusion_pytorch_model.safetensors</c>) or one <c>.safetensors</c> file (<see cref="AutoencoderKlWeights"/>).
/// It loads as a <see cref="SpatialImageVae"/> whose decoder gives images (no likelihood), in fp32.
/// </summary>
public sealed class DiffusersVaeFormat : IForeignModelFormat
{
    /// <inheritdoc />
    public string Name => "diffusers AutoencoderKL";

    /// <inheritdoc />
    /// <remarks>A folder with a config whose <c>_class_name</c> is not AutoencoderKL is left to others (and refused on load).</remarks>
    public bool Recognises(string path) => path is not null && AutoencoderKlWeights.IsCandidate(path);

    /// <inheritdoc />
    /// <remarks>Read from the folder's config or the file's header: the weights are not read (a listing of models stays fast).</remarks>
    public ModelManifest Describe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (config, parameters) = AutoencoderKlWeights.Describe(path);
        return Manifest(path, Options(path, config), parameters);
    }

    /// <inheritdoc />
    public (IVaeModel Model, ModelManifest Manifest) Load(string path, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(path);
        var network = AutoencoderKlWeights.Load(path);
        try
        {
            var options = Options(path, network.Config);
            var model = new SpatialImageVae(options, network);
            if (device.type != DeviceType.CPU) network.to(device);
            return (model, Manifest(path, options, network.parameters().Sum(p => p.numel())));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static SpatialImageVaeOptions Options(string path, AutoencoderKlConfig config)
    {
        try { return SpatialImageVaeOptions.FromDiffusers(config); }
        catch (ArgumentException e) { throw new ModelLoadException($"'{path}' is not a VAE this tool can use: {e.Message}", e); }
    }

    private static ModelManifest Manifest(string path, SpatialImageVaeOptions options, long parameters) => new()
    {
        Modality = ImageModality.ModalityName,
        ModelKind = SpatialImageVae.KindName,
        Model = ModelManifest.ToJsonObject(options),
        Encoding = new ImageEncoding { Channels = options.Channels, Size = options.Side }.ToJsonObject(),
        WeightsFile = Directory.Exists(path) ? AutoencoderKlWeights.WeightsFile : Path.GetFileName(path),
        WeightsSha256 = "",
        Parameters = parameters,
    };
}
