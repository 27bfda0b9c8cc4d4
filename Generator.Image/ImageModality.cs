using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Image.Generation;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;
using VaeCreative.Image.Training;

namespace VaeCreative.Image;

/// <summary>
/// Images and sprites: seeds are image files (PNG, JPEG, BMP, GIF's first frame, WebP) of any size; outputs are PNGs at
/// the seed's size; models are spatial <see cref="Models.SpatialImageVae"/>s (Stable Diffusion's VAE architecture, which
/// take a seed at its own size; also Stable Diffusion VAE files) or one-code <see cref="ConvVae"/>s, trained on idx
/// files, image folders or sprite sheets. Outputs are shown together on a contact sheet (<see cref="IOutputOverview"/>).
/// </summary>
public sealed class ImageModality : IModality, IOutputOverview
{
    /// <summary>The modality's name in manifests and on the command line.</summary>
    public const string ModalityName = "image";

    /// <summary>Largest seed file read (bytes); the pixel limit (<see cref="ImageDecoder.DefaultMaxPixels"/>) applies as well.</summary>
    public const int MaxSeedFileBytes = 64 << 20;

    /// <inheritdoc />
    public string Name => ModalityName;

    /// <inheritdoc />
    public string DefaultModelId => "sprites";

    /// <inheritdoc />
    public IReadOnlyList<MaterialFormat> Formats { get; } =
    [
        new MaterialFormat(ImageMediaTypes.Png, [".png"]),
        new MaterialFormat("image/jpeg", [".jpg", ".jpeg"]),
        new MaterialFormat("image/bmp", [".bmp"]),
        new MaterialFormat("image/gif", [".gif"]),
        new MaterialFormat("image/webp", [".webp"]),
    ];

    /// <inheritdoc />
    public IReadOnlyList<ModalityOption> Options { get; } =
    [
        new("--palette", ImageGenerator.PaletteProperty,
            "Image models: 'auto' (default) snaps outputs to the seed's colours when it has at most 64 (pixel art and icons keep their palette; pictures are left alone); 'seed' always snaps (to its 256 most frequent); 'off' never. Nearest colour by perceived difference (Oklab), no dithering.",
            ModalityCommands.Vary | ModalityCommands.Interpolate),
        new("--tile", ImageTrainingRecipe.TileSetting,
            $"Cut training images (sprite sheets) into square cells of this side, dropping clear, flat and repeated cells; the model's side. Range {SpriteSheet.MinTile}–{SpriteSheet.MaxTile}. Default: whole images.",
            ModalityCommands.Train),
        new("--image-size", ImageTrainingRecipe.ImageSizeSetting,
            $"The model's side when images are not cut into tiles; images are fitted to it, aspect kept. Default: the images' own when all are the same square, else {ImageTrainingRecipe.DefaultImageSize}. Range {ImageTrainingRecipe.MinImageSize}–{ImageTrainingRecipe.MaxImageSize}.",
            ModalityCommands.Train),
        new("--likelihood", ImageTrainingRecipe.LikelihoodSetting,
            $"One-code (--size conv) models: how pixels are scored, {ConvVaeOptions.Bernoulli} (binarised at {ImageEncoding.DefaultBinarizeThreshold}; the default for grey images) or {ConvVaeOptions.Logistic} (8-bit values; the default for colour). Spatial models score pixels with a logistic mixture.",
            ModalityCommands.Train),
        new("--flip", ImageTrainingRecipe.FlipSetting,
            "true mirrors training images left to right at random (default false).",
            ModalityCommands.Train),
    ];

    /// <inheritdoc />
    public ITrainingRecipe Training { get; } = new ImageTrainingRecipe();

    /// <inheritdoc />
    /// <remarks>0: each pixel value is the decoder's mode or mean; variety comes from z, not pixel noise.</remarks>
    public double DefaultTemperature => 0;

    /// <inheritdoc />
    public Core.Evaluation.IVariationMeasures VariationMeasures() => new Evaluation.ImageVariationMeasures();

    /// <inheritdoc />
    /// <remarks>The file is one seed; its bytes are decoded when the generator prepares it. Takes <c>palette</c>.</remarks>
    public IReadOnlyList<Material> ReadSeedFile(string path, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var key in properties.Keys)
            if (key != ImageGenerator.PaletteProperty)
                throw new ImageReadException($"image seed files take no '{key}' option.");
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new ImageReadException($"'{path}' does not exist.");
            if (info.Length > MaxSeedFileBytes)
                throw new ImageReadException($"'{Path.GetFileName(path)}' is {info.Length:N0} bytes; an image seed may be at most {MaxSeedFileBytes:N0} bytes.", overLimit: true);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageReadException($"'{path}' cannot be read: {e.Message}", inner: e);
        }
        var format = Formats.FirstOrDefault(f => f.Matches(path)) ?? Formats[0];
        return [Material.FromBytes(format.MediaType, bytes, properties.Count > 0 ? new Dictionary<string, string>(properties, StringComparer.Ordinal) : null)];
    }

    /// <inheritdoc />
    public IMaterialGenerator Open(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Manifest.Modality != ModalityName)
            throw new ModelLoadException($"the model in '{model.Directory}' is a {model.Manifest.Modality} model, not an image model.");
        return new ImageGenerator(model);
    }

    /// <inheritdoc />
    /// <remarks>A PNG contact sheet (<see cref="ContactSheet"/>): the seed first, then the outputs.</remarks>
    public Material Compose(Material? seed, IReadOnlyList<Material> outputs, int? columns)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var images = new List<RgbaImage>();
        if (seed?.Data is { } data) images.Add(ImageDecoder.Decode(data, "seed"));
        images.AddRange(outputs.Select((o, i) => ImageDecoder.Decode(o.Data ?? throw new ArgumentException("image outputs are bytes."), $"output {i + 1}")));
        return Material.FromBytes(ImageMediaTypes.Png, ImageEncoder.Png(ContactSheet.Compose(images, columns), grey: false));
    }
}
