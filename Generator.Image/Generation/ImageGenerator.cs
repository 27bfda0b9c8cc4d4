using System.Globalization;
using System.Security.Cryptography;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;
using VaeCreative.Image.Training;
using static TorchSharp.torch;

namespace VaeCreative.Image.Generation;

/// <summary>
/// Image variations, interpolations, samples, and latent files on one loaded image model. A spatial model
/// (<see cref="SpatialImageVae"/>) takes a seed at its own size, its edges repeated out to a multiple of the
/// downsampling and cropped off the outputs; a one-code <see cref="ConvVae"/> takes it fitted to its square
/// (<see cref="ImageFit"/>) and gives outputs back at the seed's size. Either way outputs are in the seed's mode family:
/// a grey seed gives grey images, an opaque one opaque images, a sprite with alpha sprites with alpha (when the model
/// has an alpha channel). Outputs are PNG material with <c>width</c> and <c>height</c> properties.
/// </summary>
/// <remarks>
/// Temperature for images: 0 decodes each pixel value to the decoder's mode (logistic models) or mean (Bernoulli
/// models: the probability of a pixel being on, shown as grey); above 0, each value is drawn from its distribution,
/// the logistic's scale multiplied by the temperature (Bernoulli models draw black or white pixels). Variety between
/// variations comes from z (<c>--similarity</c>); temperature adds pixel noise on top.
/// </remarks>
public sealed class ImageGenerator : IMaterialGenerator
{
    /// <summary>
    /// Seed property (and <c>--palette</c>): <c>auto</c> (the default) snaps outputs to the seed's colours when it has at
    /// most <see cref="ImagePalette.AutoColours"/>, <c>seed</c> always (to its most frequent
    /// <see cref="ImagePalette.MaxColours"/>), <c>off</c> never.
    /// </summary>
    public const string PaletteProperty = "palette";

    /// <summary>Output property: width in pixels.</summary>
    public const string WidthProperty = "width";

    /// <summary>Output property: height in pixels.</summary>
    public const string HeightProperty = "height";

    /// <summary>
    /// Largest side a spatial model takes a seed at: a larger seed is reduced to it (area filtering) and its outputs
    /// enlarged back (cubic), so a photograph does not cost a photograph's worth of convolutions per variation.
    /// </summary>
    public const int MaxSpatialSide = 512;

    private readonly ImageEncoding encoding;
    private readonly SpatialImageVae? spatial;

    /// <summary>Generation on <paramref name="model"/>: a <see cref="SpatialImageVae"/> or a <see cref="ConvVae"/>, with an image encoding.</summary>
    public ImageGenerator(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        encoding = ImageEncoding.Read(model);
        spatial = model.Model as SpatialImageVae;
        Model = model;
    }

    /// <inheritdoc />
    public LoadedModel Model { get; }

    /// <summary>The model's side in pixels (a spatial model's training side: the size of its prior samples).</summary>
    public int Size => encoding.Size;

    /// <inheritdoc />
    /// <remarks>
    /// Decodes the image (refusing bombs from the header). A spatial model takes it at its own size (reduced to
    /// <see cref="MaxSpatialSide"/> when larger), its edges repeated out to a multiple of the downsampling; a one-code
    /// model takes it fitted to its square.
    /// </remarks>
    public PreparedSeed Prepare(Material material, string field)
    {
        ArgumentNullException.ThrowIfNull(material);
        if (material.Data is not { } data)
            throw new ImageReadException($"an image model takes an image; '{field}' is {material.MediaType}.");
        var mode = material.Properties.GetValueOrDefault(PaletteProperty) ?? "auto";
        if (mode is not ("auto" or "seed" or "off"))
            throw new ImageReadException($"--palette takes 'auto', 'seed' or 'off'; got '{mode}'.");
        var image = ImageDecoder.Decode(data, field);
        var colours = mode == "off" ? null : ImagePalette.Of(image);
        var palette = mode == "seed" || (mode == "auto" && colours!.DistinctColours <= ImagePalette.AutoColours) ? colours : null;
        if (spatial is not null) return SpatialSeed(image, palette);
        var (fitted, placement) = ImageFit.ToSquare(image, encoding.Size);
        var bytes = new byte[encoding.Dimensions];
        encoding.Write(fitted, bytes, 0);
        var row = bytes.Select(encoding.Value).ToArray();
        return new ImageSeed(Canonical(image), placement, row, [encoding.Channels, encoding.Size, encoding.Size], palette);
    }

    /// <summary>A spatial model's seed: the image at its own size (or reduced to <see cref="MaxSpatialSide"/>), edges repeated to a multiple of the downsampling.</summary>
    private ImageSeed SpatialSeed(RgbaImage image, ImagePalette? palette)
    {
        var (width, height) = image.Width <= MaxSpatialSide && image.Height <= MaxSpatialSide
            ? (image.Width, image.Height)
            : ImageFit.Within(image.Width, image.Height, MaxSpatialSide);
        var scaled = ImageFit.Resize(image, width, height, ImageFit.Area);
        var padded = ImageFit.PadToMultiple(scaled, spatial!.Settings.Downsampling);
        var bytes = new byte[encoding.Channels * padded.Width * padded.Height];
        ImageEncoding.Write(padded, encoding.Channels, bytes, 0);
        return new ImageSeed(Canonical(image), null, bytes.Select(encoding.Value).ToArray(), [encoding.Channels, padded.Height, padded.Width], palette, (width, height));
    }

    /// <inheritdoc />
    /// <remarks>
    /// An output equal (pixel for pixel, after fitting back and any palette snapping) to the seed or to an earlier
    /// variation is drawn again (<see cref="DistinctDraws"/>), each attempt a little further from the seed
    /// (<see cref="DistinctDraws.AttemptSimilarity"/>): a small sprite whose pixels one posterior σ of noise does not move
    /// still gives its count.
    /// </remarks>
    public IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        var seeds = requests.Select(r => Seed(r.Seed, "seed")).ToArray();
        foreach (var r in requests) r.Options.Validate();
        var results = DistinctDraws.Draw(requests.Select(r => r.Options.Count).ToArray(), seeds.Select(s => Key(s.Image)).ToArray(), (counts, attempt) =>
        {
            using var scope = NewDisposeScope();
            var drawn = new List<RgbaImage>[requests.Count];
            for (var i = 0; i < requests.Count; i++) drawn[i] = [];
            // One engine pass per input size: a spatial model's seeds of one size batch together.
            foreach (var group in Enumerable.Range(0, requests.Count).Where(i => counts[i] > 0).GroupBy(i => ShapeKey(seeds[i])))
            {
                var active = group.ToArray();
                var outputs = Model.Engine.VaryBatch(active.Select(i =>
                {
                    var o = requests[i].Options;
                    return new VariationRequest(SeedTensor(seeds[i]), counts[i], DistinctDraws.AttemptSimilarity(o.Similarity, attempt), o.Temperature,
                        DistinctDraws.AttemptRng(o.Rng, attempt), Shift: Model.AttributeShift(o.Attributes));
                }).ToArray(), rejectCopies: false);
                for (var k = 0; k < active.Length; k++) drawn[active[k]] = Images(outputs[k], seeds[active[k]], cancellationToken);
            }
            return drawn;
        }, Key, cancellationToken: cancellationToken);
        return Materials(results, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Every frame comes back at the first seed's size and mode family (and palette, when it asks for one).</remarks>
    public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        var ends = requests.Select(r =>
        {
            var from = Seed(r.From, "from");
            return (From: from, To: SameSize(Seed(r.To, "to"), from));
        }).ToArray();
        foreach (var r in requests) r.Options.Validate();
        using var scope = NewDisposeScope();
        var results = new List<RgbaImage>[requests.Count];
        foreach (var group in Enumerable.Range(0, requests.Count).GroupBy(i => ShapeKey(ends[i].From)))
        {
            var members = group.ToArray();
            var outputs = Model.Engine.InterpolateBatch(members.Select(i =>
                new InterpolationRequest(SeedTensor(ends[i].From), SeedTensor(ends[i].To), requests[i].Options.Steps, requests[i].Options.Temperature, requests[i].Options.Rng)).ToArray());
            for (var k = 0; k < members.Length; k++) results[members[k]] = Images(outputs[k], ends[members[k]].From, cancellationToken);
        }
        return Materials(results, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Samples are the model's size, in its own channels (grey, RGB or RGBA).</remarks>
    public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        foreach (var r in requests) r.ValidateWithoutProperties("image");
        using var scope = NewDisposeScope();
        var outputs = Model.Engine.SampleBatch(requests.Select(r => new SampleRequest(r.Count, r.Temperature, r.Rng)).ToArray());
        return Materials(outputs.Select(o => Images(o, null, cancellationToken)).ToList(), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The posterior of the seed as the model takes it: a spatial model's latent [1, channels, ⌈h / d⌉, ⌈w / d⌉] of the
    /// seed at its own size (reduced beyond <see cref="MaxSpatialSide"/>), with <c>width</c> and <c>height</c>, the size it
    /// decodes back to; a one-code model's [1, z] of the seed fitted to its square.
    /// </remarks>
    public LatentCodes Encode(PreparedSeed seed)
    {
        var image = Seed(seed, "seed");
        using var scope = NewDisposeScope();
        var (mean, stdDev) = Model.Engine.Encode(SeedTensor(image));
        var (width, height) = image.Placement is null ? image.Scaled : (encoding.Size, encoding.Size);
        return new LatentCodes(mean.MoveToOuterDisposeScope(), stdDev.MoveToOuterDisposeScope(), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WidthProperty] = width.ToString(CultureInfo.InvariantCulture),
            [HeightProperty] = height.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each row's image at the latent's size (a spatial model's: d times its places), cut to the <c>width</c> and
    /// <c>height</c> the codes carry when they fit; no palette (there is no seed to take one from).
    /// </remarks>
    public IReadOnlyList<Material> Decode(LatentCodes codes, double temperature, long rng)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var expected = ((IVaeModel)Model.Model).LatentShape;
        var shape = codes.Mean.shape;
        var fits = spatial is not null
            ? shape.Length == 4 && shape[1] == expected[0] && shape[2] >= 1 && shape[3] >= 1
            : shape.Length == 2 && shape[1] == expected[0];
        if (!fits || shape[0] is < 1 or > GenerationLimits.MaxCount)
            throw new ArgumentException($"the latent is [{string.Join(", ", shape)}]; this model decodes [rows, {expected[0]}{(spatial is not null ? ", height, width" : "")}] with 1–{GenerationLimits.MaxCount} rows.");
        if (spatial is not null && shape[2] * spatial.Settings.Downsampling * shape[3] * spatial.Settings.Downsampling > ImageDecoder.DefaultMaxPixels)
            throw new ArgumentException($"the latent [{string.Join(", ", shape)}] decodes to more than {ImageDecoder.DefaultMaxPixels:N0} pixels, the most an image may have.");
        using var scope = NewDisposeScope();
        var output = Model.Engine.Decode(codes.Mean, temperature, rng);
        var images = Images(output, null, CancellationToken.None);
        if (spatial is not null && codes.IntProperty(WidthProperty) is { } width && codes.IntProperty(HeightProperty) is { } height
            && width <= output.shape[3] && height <= output.shape[2])
            images = images.Select(i => ImageFit.Crop(i, width, height)).ToList();
        return images.Select(ToMaterial).ToList();
    }

    /// <summary>
    /// The model's output rows [n, channels, size, size] as images, fitted back to <paramref name="seed"/> when given.
    /// Cancellation is checked before each image: fitted back to a large seed, one takes a large share of the request.
    /// </summary>
    private List<RgbaImage> Images(Tensor output, ImageSeed? seed, CancellationToken cancellationToken)
    {
        var values = output.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var (channels, height, width) = ((int)output.shape[1], (int)output.shape[2], (int)output.shape[3]);
        var size = channels * height * width;
        var images = new List<RgbaImage>(values.Length / size);
        for (var k = 0; k < values.Length / size; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = ImageEncoding.ToImage(values.AsSpan(k * size, size), channels, width, height);
            if (seed is not null)
            {
                image = seed.Placement is { } placement
                    ? ImageFit.Back(image, placement)
                    : ImageFit.Resize(ImageFit.Crop(image, seed.Scaled.Width, seed.Scaled.Height), seed.Image.Width, seed.Image.Height, ImageFit.Cubic);
                image = InFamilyOf(image, seed.Image);
                if (seed.Palette is { } palette) image = palette.Apply(image);
            }
            images.Add(Canonical(image));
        }
        return images;
    }

    /// <summary><paramref name="image"/> in <paramref name="seed"/>'s mode family: grey for a grey seed, opaque for an opaque one (over black).</summary>
    internal static RgbaImage InFamilyOf(RgbaImage image, RgbaImage seed)
    {
        var grey = seed.IsGrey;
        var opaque = !seed.HasAlpha;
        if (!grey && !opaque) return image;
        var rgba = (byte[])image.Rgba.Clone();
        for (var p = 0; p < rgba.Length; p += 4)
        {
            int r = rgba[p], g = rgba[p + 1], b = rgba[p + 2], a = rgba[p + 3];
            if (opaque && a != 255)
            {
                (r, g, b) = (RgbaImage.OverBlack(r, a), RgbaImage.OverBlack(g, a), RgbaImage.OverBlack(b, a));
                a = 255;
            }
            if (grey) r = g = b = RgbaImage.Luma(r, g, b);
            (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = ((byte)r, (byte)g, (byte)b, (byte)a);
        }
        return new RgbaImage(image.Width, image.Height, rgba);
    }

    /// <summary><paramref name="image"/> with fully clear pixels set to 0, 0, 0, 0 (their colour is invisible), so equal-looking images are equal.</summary>
    private static RgbaImage Canonical(RgbaImage image)
    {
        if (!image.HasAlpha) return image;
        byte[]? rgba = null;
        for (var p = 0; p < image.Rgba.Length; p += 4)
        {
            if (image.Rgba[p + 3] != 0 || (image.Rgba[p] | image.Rgba[p + 1] | image.Rgba[p + 2]) == 0) continue;
            rgba ??= (byte[])image.Rgba.Clone();
            rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
        }
        return rgba is null ? image : new RgbaImage(image.Width, image.Height, rgba);
    }

    /// <summary>Identity of an image's pixels (SHA-256 of size and bytes), for telling copies apart.</summary>
    private static string Key(RgbaImage image)
    {
        var hash = SHA256.HashData(image.Rgba);
        return string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height}:{Convert.ToHexString(hash)}");
    }

    /// <summary>Each request's images as PNG material, checking cancellation before each encoding.</summary>
    private static List<IReadOnlyList<Material>> Materials(IReadOnlyList<List<RgbaImage>> images, CancellationToken cancellationToken) =>
        images.Select(r => (IReadOnlyList<Material>)r.Select(image =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ToMaterial(image);
        }).ToList()).ToList();

    private static Material ToMaterial(RgbaImage image) =>
        Material.FromBytes(ImageMediaTypes.Png, ImageEncoder.Png(image), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WidthProperty] = image.Width.ToString(CultureInfo.InvariantCulture),
            [HeightProperty] = image.Height.ToString(CultureInfo.InvariantCulture),
        });

    private ImageSeed Seed(PreparedSeed seed, string what) =>
        seed is ImageSeed image && image.InputShape[0] == encoding.Channels && (image.Placement is null) == (spatial is not null)
            && (spatial is not null || image.ModelRow.Length == encoding.Dimensions)
            ? image
            : throw new ArgumentException($"the {what} was not prepared by this image model's generator.");

    /// <summary>
    /// <paramref name="to"/> at <paramref name="from"/>'s size, for a spatial model (whose latents of two sizes do not
    /// line up): reduced or enlarged as a whole, pixel art by nearest neighbour. A one-code model's ends already share its square.
    /// </summary>
    private ImageSeed SameSize(ImageSeed to, ImageSeed from)
    {
        if (spatial is null || to.InputShape.SequenceEqual(from.InputShape)) return to;
        var resized = to.Image.Width <= from.Scaled.Width && to.Image.Height <= from.Scaled.Height
            ? ImageFit.ResizeNearest(to.Image, from.Scaled.Width, from.Scaled.Height)
            : ImageFit.Resize(to.Image, from.Scaled.Width, from.Scaled.Height, ImageFit.Area);
        var seed = SpatialSeed(resized, to.Palette);
        return seed.InputShape.SequenceEqual(from.InputShape) ? seed
            : throw new InvalidOperationException("the interpolation ends did not come to one size.");
    }

    private static string ShapeKey(ImageSeed seed) => string.Join('x', seed.InputShape);

    private static Tensor SeedTensor(ImageSeed seed) => tensor(seed.ModelRow, [1, .. seed.InputShape]);
}
