using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Training;
using VaeCreative.Image.Corpus;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;

namespace VaeCreative.Image.Training;

/// <summary>
/// How image models are trained: images from idx files, image files or sprite sheets (<see cref="ImageCorpus"/>),
/// and a <see cref="ConvVae"/> whose channels, size and likelihood follow the data unless told otherwise: grey and
/// opaque images get one channel and, by default, a Bernoulli likelihood on binarised pixels (the convention of the
/// MNIST likelihood literature); colour gets RGB, and anything with transparency RGBA, each with a discretised
/// logistic per 8-bit value.
/// </summary>
public sealed class ImageTrainingRecipe : ITrainingRecipe
{
    /// <summary>Training setting (and <c>--tile</c>): cut images into square cells of this side.</summary>
    public const string TileSetting = "tile";

    /// <summary>Training setting (and <c>--image-size</c>): the model's side when images are not cut into tiles.</summary>
    public const string ImageSizeSetting = "imageSize";

    /// <summary>Training setting (and <c>--likelihood</c>): <c>bernoulli</c> or <c>logistic</c>.</summary>
    public const string LikelihoodSetting = "likelihood";

    /// <summary>Training setting (and <c>--flip</c>): mirror training images left to right at random.</summary>
    public const string FlipSetting = "flip";

    /// <summary>The model's side when neither a tile nor a size is given and the images differ in size.</summary>
    public const int DefaultImageSize = 32;

    /// <summary>Smallest and largest model side.</summary>
    public const int MinImageSize = 8, MaxImageSize = 256;

    private const long DefaultSteps = 40_000;

    /// <summary>
    /// The image defaults: β = 1 throughout (no annealing, so the training loss is the true −ELBO and held-out figures
    /// compare with the literature's), no free bits, Adam at 1e-3 decaying to a tenth over the run: 40,000 steps of 128
    /// (85 passes over Fashion-MNIST's 60,000 training images), about half an hour on two cores.
    /// </summary>
    public TrainerOptions Defaults { get; } = new()
    {
        Steps = DefaultSteps,
        BatchSize = 128,
        LearningRate = 1e-3,
        LearningRateDecay = 0.9999424, // a tenth after the 40,000 default steps
        Beta = new ConstantKl(1.0),
        FreeBits = 0,
        CheckpointEvery = 1000,
        ValidateEvery = 1000,
    };

    /// <inheritdoc />
    public string ExampleNoun => "images";

    /// <summary>
    /// The bundled sprite model's shape (<c>default</c>): Stable Diffusion's VAE in a small configuration (levels of 16
    /// and 32 channels, so a latent of 4 channels at half the image's side) with a 5-component logistic mixture per pixel.
    /// At equal training time on two cores it beat levels of 32 and 64 with 10 components (held-out ELBO 7,094 against
    /// 7,534 nats after 4 minutes): it sees 2.7 times the images.
    /// </summary>
    public static SpatialImageVaeOptions SpatialShape { get; } = new() { BlockOutChannels = [16, 32], NormNumGroups = 8, Components = 5 };

    /// <summary>A spatial shape for quick trials (<c>small</c>): levels of 8 and 16 channels, 3 components.</summary>
    public static SpatialImageVaeOptions SmallSpatialShape { get; } = new() { BlockOutChannels = [8, 16], NormNumGroups = 4, Components = 3 };

    /// <summary>
    /// The one-code convolutional VAE (<c>conv</c>): up to three stride-2 layers of 32, 64 and 128 channels (an image size
    /// takes as many as halve it cleanly down to at least 4 pixels: 28 takes two, 32 three) and 32 latent dimensions.
    /// The likelihood literature's model (binarised Fashion-MNIST).
    /// </summary>
    public static ConvVaeOptions DefaultShape { get; } = new() { ConvChannels = [32, 64, 128], LatentSize = 32 };

    /// <summary>A one-code shape for quick trials (<c>conv-small</c>).</summary>
    public static ConvVaeOptions SmallShape { get; } = new() { ConvChannels = [16, 32, 64], LatentSize = 16 };

    /// <summary>
    /// The spatial model's optimiser defaults: β = 0.05 (a latent that holds the sprite's colours, while its posterior
    /// stays wide enough for variations to differ), Adam at 3e-3 decaying to a tenth, 5,000 steps of 32 images (34.5
    /// minutes on two cores for the default shape, models/sprites). Chosen by 500-step pilots on the sprite corpus
    /// (bench/results/sprites-pilots.json): at 3e-3 the held-out reconstruction error was 0.120 against 0.138 at 1e-3;
    /// β 0.01 gave 0.132 and 8 latent channels 0.188.
    /// </summary>
    public static TrainerOptions SpatialDefaults { get; } = new()
    {
        Steps = 5000,
        BatchSize = 32,
        LearningRate = 3e-3,
        LearningRateDecay = 0.99953959, // a tenth after 5,000 steps
        Beta = new ConstantKl(0.05),
        FreeBits = 0,
        CheckpointEvery = 500,
        ValidateEvery = 500,
    };

    /// <summary>Size name of the one-code convolutional VAE.</summary>
    public const string ConvSize = "conv", ConvSmallSize = "conv-small";

    /// <inheritdoc />
    public IReadOnlyList<string> Sizes { get; } = ["default", "small", ConvSize, ConvSmallSize];

    /// <inheritdoc />
    public ModelShape Shape(string size) => size switch
    {
        "default" => new ModelShape(SpatialImageVae.KindName, ModelManifest.ToJsonObject(SpatialShape), SpatialDefaults),
        "small" => new ModelShape(SpatialImageVae.KindName, ModelManifest.ToJsonObject(SmallSpatialShape), SpatialDefaults),
        ConvSize => new ModelShape(ConvVae.KindName, ModelManifest.ToJsonObject(DefaultShape)),
        ConvSmallSize => new ModelShape(ConvVae.KindName, ModelManifest.ToJsonObject(SmallShape)),
        _ => throw new ArgumentException($"no image model size '{size}'; use {string.Join(", ", Sizes)}.", nameof(size)),
    };

    /// <inheritdoc />
    public void CheckSettings(TrainingConfig config)
    {
        var settings = ReadSettings(config.Settings);
        if (config.ModelKind == SpatialImageVae.KindName)
        {
            if (settings.Likelihood is not null)
                throw new ArgumentException($"--likelihood is for {ConvVae.KindName} models; {SpatialImageVae.KindName} models score pixels with a logistic mixture.");
            SpatialPreset(config);
        }
        else Preset(config);
    }

    /// <inheritdoc />
    /// <remarks>Images are cut into cells when <paramref name="settings"/> hold a tile; mirroring (a setting too) happens per batch.</remarks>
    public TrainingCorpus Load(string data, double validationFraction, bool augment, JsonObject? settings, Action<string> log) =>
        ImageCorpus.Load(data, validationFraction, ReadSettings(settings).Tile, log);

    /// <inheritdoc />
    public TrainingPlan Prepare(TrainingConfig config, TrainingCorpus corpus, string outDir, Action<string> log)
    {
        if (config.ModelKind is not (ConvVae.KindName or SpatialImageVae.KindName))
            throw new ArgumentException($"images train {SpatialImageVae.KindName} or {ConvVae.KindName} models, not '{config.ModelKind}'.");
        CheckSettings(config);
        var settings = ReadSettings(config.Settings);
        var images = AsImages(corpus);
        if (images.Describe()["tile"]?.GetValue<int>() != settings.Tile)
            throw new ArgumentException("the corpus was not read with the run's tile setting (load it with the run's settings).", nameof(corpus));
        if (config.ModelKind == SpatialImageVae.KindName) return PrepareSpatial(config, settings, images, log);
        var options = ModelOptions(config, settings, images);
        var encoding = ImageEncoding.For(options);
        using var initialization = new TorchSharp.torch.Generator(unchecked((ulong)config.Seed));
        var model = new ConvVae(options, initialization);
        var train = ImageDataset.Encode(images.Train, encoding, settings.Flip);
        var validation = ImageDataset.Encode(images.Validation, encoding);
        log(string.Create(CultureInfo.InvariantCulture,
            $"images as {Describe(encoding)}, {options.Likelihood} likelihood, {options.ConvChannels.Length} conv layers ({string.Join(", ", options.ConvChannels)}), z of {options.LatentSize}")
            + (settings.Flip ? "; training images mirrored at random" : ""));
        return new TrainingPlan(model, train, validation, encoding.ToJsonObject());
    }

    /// <inheritdoc />
    public (ITrainingData Train, ITrainingData Validation) Encode(LoadedModel model, TrainingCorpus corpus)
    {
        var images = AsImages(corpus);
        var encoding = ImageEncoding.Read(model);
        return (ImageDataset.Encode(images.Train, encoding), ImageDataset.Encode(images.Validation, encoding));
    }

    /// <summary>
    /// A spatial model's run: the side is the tile, the image size, the images' common square size or
    /// <see cref="DefaultImageSize"/>; training images are fitted onto that square (the model, being convolutional, then
    /// takes seeds of any size).
    /// </summary>
    private static TrainingPlan PrepareSpatial(TrainingConfig config, ImageSettings settings, ImageCorpus images, Action<string> log)
    {
        var preset = SpatialPreset(config);
        var side = settings.Tile ?? settings.ImageSize ?? CommonSquareSize(images) ?? DefaultImageSize;
        if (side % preset.Downsampling != 0)
            throw new ArgumentException($"the training side {side} is not a multiple of the model's downsampling ({preset.Downsampling}); pick --tile or --image-size a multiple of it.");
        var channels = images.AllGreyAndOpaque ? 1 : images.AnyAlpha ? 4 : 3;
        var options = (preset with { Channels = channels, Side = side }).Validate();
        var encoding = new ImageEncoding { Channels = channels, Size = side };
        var model = TorchRuntime.SeededBuild(config.Seed, () => new SpatialImageVae(options));
        var train = ImageDataset.Encode(images.Train, encoding, settings.Flip);
        var validation = ImageDataset.Encode(images.Validation, encoding);
        var parameters = model.Module.parameters().Sum(p => p.numel());
        log(string.Create(CultureInfo.InvariantCulture,
            $"images as {Describe(encoding)}; AutoencoderKL of levels {string.Join(", ", options.BlockOutChannels)}, {parameters:N0} parameters, latent {options.LatentChannels}×{side / options.Downsampling}×{side / options.Downsampling}, {options.Components}-component logistic mixture")
            + (settings.Flip ? "; training images mirrored at random" : ""));
        return new TrainingPlan(model, train, validation, encoding.ToJsonObject());
    }

    /// <summary>The run's spatial model settings (the size preset with what the command line changed).</summary>
    private static SpatialImageVaeOptions SpatialPreset(TrainingConfig config)
    {
        try
        {
            var model = (JsonObject)config.Model.DeepClone();
            var known = typeof(SpatialImageVaeOptions).GetProperties().Where(p => p.CanWrite).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet();
            foreach (var (key, _) in config.Model)
                if (key != "latentSize" && !known.Contains(key))
                    throw new ArgumentException($"{SpatialImageVae.KindName} models take no '{key}' setting (they take --latent, the latent's channels, and --size).");
            // --latent gives a spatial latent's channels: its places follow the image.
            if (model["latentSize"] is { } channels)
            {
                model.Remove("latentSize");
                model["latentChannels"] = channels.DeepClone();
            }
            var preset = ModelManifest.FromJsonObject<SpatialImageVaeOptions>(model);
            if (preset.Components == 0)
                throw new ArgumentException("a model trained here needs a likelihood: components must be 1–32.");
            return preset.Validate();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the image model settings are invalid: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>The image settings a run was given.</summary>
    internal sealed record ImageSettings(int? Tile, int? ImageSize, string? Likelihood, bool Flip);

    internal static ImageSettings ReadSettings(JsonObject? given)
    {
        int? tile = null, imageSize = null;
        string? likelihood = null;
        var flip = false;
        if (given is { } settings)
        {
            foreach (var (key, value) in settings)
            {
                switch (key)
                {
                    case TileSetting:
                        tile = Whole(value, "--tile", SpriteSheet.MinTile, SpriteSheet.MaxTile);
                        break;
                    case ImageSizeSetting:
                        imageSize = Whole(value, "--image-size", MinImageSize, MaxImageSize);
                        break;
                    case LikelihoodSetting:
                        likelihood = value?.ToString() is { } l && l is ConvVaeOptions.Bernoulli or ConvVaeOptions.Logistic ? l
                            : throw new ArgumentException($"--likelihood must be {ConvVaeOptions.Bernoulli} or {ConvVaeOptions.Logistic}; got '{value}'.");
                        break;
                    case FlipSetting:
                        flip = value?.ToString() is "true" or "True" ? true
                            : value?.ToString() is "false" or "False" ? false
                            : throw new ArgumentException($"--flip must be true or false; got '{value}'.");
                        break;
                    default:
                        throw new ArgumentException($"unknown image training setting '{key}'; images take {TileSetting}, {ImageSizeSetting}, {LikelihoodSetting} and {FlipSetting}.");
                }
            }
        }
        if (tile is not null && imageSize is not null && tile != imageSize)
            throw new ArgumentException($"--tile {tile} cuts {tile}-pixel cells, so the model's side is {tile}; leave out --image-size {imageSize}.");
        return new ImageSettings(tile, imageSize, likelihood, flip);
    }

    /// <summary>The model's settings: the preset's (with --latent and the like), then channels, size and likelihood from the data and settings.</summary>
    internal static ConvVaeOptions ModelOptions(TrainingConfig config, ImageSettings settings, ImageCorpus images)
    {
        var preset = Preset(config);
        var size = settings.Tile ?? settings.ImageSize ?? CommonSquareSize(images) ?? DefaultImageSize;
        var channels = images.AllGreyAndOpaque ? 1 : images.AnyAlpha ? 4 : 3;
        var likelihood = settings.Likelihood ?? (channels == 1 ? ConvVaeOptions.Bernoulli : ConvVaeOptions.Logistic);
        var layers = preset.ConvChannels.TakeWhile((_, i) => size % (2 << i) == 0 && size / (2 << i) >= 4).ToArray();
        if (layers.Length == 0)
            throw new ArgumentException($"an image side of {size} pixels cannot be halved by a stride-2 layer down to at least 4 pixels; use a side divisible by 8 (or 4 for 28-style sizes).");
        return (preset with { Channels = channels, Height = size, Width = size, ConvChannels = layers, Likelihood = likelihood }).Validate();
    }

    /// <summary>The run's model settings (the size preset with --latent and the like), before the data decides channels and size.</summary>
    private static ConvVaeOptions Preset(TrainingConfig config)
    {
        try
        {
            foreach (var (key, _) in config.Model)
                if (key is not ("channels" or "height" or "width" or "convChannels" or "latentSize" or "likelihood"))
                    throw new ArgumentException($"image models take no '{key}' setting (they take --latent and --size).");
            return ModelManifest.FromJsonObject<ConvVaeOptions>(config.Model);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the image model settings are invalid: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>The side shared by every image when all are the same square, else null.</summary>
    private static int? CommonSquareSize(ImageCorpus images)
    {
        var all = images.Train.Concat(images.Validation).ToList();
        var first = all[0];
        return first.Width == first.Height && first.Width is >= MinImageSize and <= MaxImageSize && all.All(i => i.Width == first.Width && i.Height == first.Height)
            ? first.Width
            : null;
    }

    private static string Describe(ImageEncoding e) =>
        $"{e.Size}×{e.Size} {(e.Channels switch { 1 => "grey", 3 => "RGB", _ => "RGBA" })}" + (e.BinarizeThreshold is { } t ? $" binarised at {t}" : "");

    private static int Whole(JsonNode? value, string option, int min, int max)
    {
        var text = value?.ToString();
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new ArgumentException($"{option} must be a whole number; got '{text}'.");
        if (n < min || n > max) throw new ArgumentOutOfRangeException(option, n, $"{option} must be between {min} and {max}; got {n}.");
        return n;
    }

    private static ImageCorpus AsImages(TrainingCorpus corpus) =>
        corpus as ImageCorpus ?? throw new ArgumentException($"an image model trains on images, not {corpus.GetType().Name}.", nameof(corpus));
}
