using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;

namespace VaeCreative.Image.Training;

/// <summary>
/// How an image model sees images (the manifest's <c>encoding</c>): a <see cref="Size"/>-pixel square with
/// <see cref="Channels"/> channels in [0, 1] — 1 grey, 3 RGB, 4 RGBA — and, for Bernoulli models, binarised at
/// <see cref="BinarizeThreshold"/>. Pixels that are fully clear carry no colour: their RGB is set to 0, so a model does
/// not spend capacity on colour nobody sees. Grey from colour is the Rec. 601 luma; a model without alpha sees clear
/// and faint pixels over black.
/// </summary>
public sealed record ImageEncoding
{
    /// <summary>Channels: 1 (grey), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; init; }

    /// <summary>Side of the square, in pixels.</summary>
    public int Size { get; init; }

    /// <summary>Bernoulli models see 1 where a value is at least this (0–255), else 0; null for 8-bit models.</summary>
    public int? BinarizeThreshold { get; init; }

    /// <summary>Values per image: channels × size × size.</summary>
    public int Dimensions => Channels * Size * Size;

    /// <summary>The encoding of <paramref name="options"/>' images, binarised at 128 when its likelihood is Bernoulli.</summary>
    public static ImageEncoding For(ConvVaeOptions options) => new()
    {
        Channels = options.Channels,
        Size = options.Height,
        BinarizeThreshold = options.Likelihood == ConvVaeOptions.Bernoulli ? DefaultBinarizeThreshold : null,
    };

    /// <summary>The threshold Bernoulli models binarise at: a value of 128 or more is 1.</summary>
    public const int DefaultBinarizeThreshold = 128;

    /// <summary>The manifest's <c>encoding</c> object.</summary>
    public JsonObject ToJsonObject() => ModelManifest.ToJsonObject(this);

    /// <summary>Reads a loaded image model's encoding, checking it against the model's settings.</summary>
    public static ImageEncoding Read(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Model switch
        {
            ConvVae conv => Read(model.Manifest, conv.Settings),
            SpatialImageVae spatial => Read(model.Manifest, spatial.Settings),
            _ => throw new ModelLoadException($"the model in '{model.Directory}' is a {model.Model.Kind}; images need a {SpatialImageVae.KindName} or a {ConvVae.KindName}."),
        };
    }

    /// <summary>Reads a spatial model's encoding: its channels at its training side, never binarised.</summary>
    public static ImageEncoding Read(ModelManifest manifest, SpatialImageVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        ImageEncoding? encoding = null;
        try
        {
            if (manifest.Encoding is { } node) encoding = ModelManifest.FromJsonObject<ImageEncoding>(node);
        }
        catch (JsonException) { }
        encoding ??= new ImageEncoding { Channels = options.Channels, Size = options.Side };
        if (encoding.Channels != options.Channels || encoding.BinarizeThreshold is not null)
            throw new ModelLoadException($"the image model's manifest encoding does not match its {options.Channels}-channel model.");
        return encoding with { Size = options.Side };
    }

    /// <summary>Reads the manifest's encoding, checking it against the model's settings.</summary>
    public static ImageEncoding Read(ModelManifest manifest, ConvVaeOptions options)
    {
        ImageEncoding? encoding = null;
        try
        {
            if (manifest.Encoding is { } node) encoding = ModelManifest.FromJsonObject<ImageEncoding>(node);
        }
        catch (JsonException) { }
        if (encoding is null || encoding.Channels != options.Channels || encoding.Size != options.Height || options.Width != options.Height
            || encoding.Channels is not (1 or 3 or 4) || (encoding.BinarizeThreshold is { } t && t is < 1 or > 255))
            throw new ModelLoadException($"the image model's manifest has no usable encoding for a {options.Channels}-channel {options.Width}×{options.Height} model.");
        return encoding;
    }

    /// <summary>Writes <paramref name="image"/> (already <see cref="Size"/> square) as bytes, channel-major, into <paramref name="target"/> at <paramref name="offset"/>.</summary>
    public void Write(RgbaImage image, byte[] target, int offset)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width != Size || image.Height != Size)
            throw new ArgumentException($"expected a {Size}×{Size} image; got {image.Width}×{image.Height}.", nameof(image));
        Write(image, Channels, target, offset);
    }

    /// <summary>
    /// Writes <paramref name="image"/>, of any size, as bytes of <paramref name="channels"/> (1, 3 or 4), channel-major,
    /// into <paramref name="target"/> at <paramref name="offset"/>: what a spatial model, which takes any size, reads.
    /// </summary>
    public static void Write(RgbaImage image, int channels, byte[] target, int offset)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        var plane = image.Width * image.Height;
        var rgba = image.Rgba;
        for (var p = 0; p < plane; p++)
        {
            int r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2], a = rgba[4 * p + 3];
            switch (channels)
            {
                case 1:
                    target[offset + p] = (byte)RgbaImage.OverBlack(RgbaImage.Luma(r, g, b), a);
                    break;
                case 3:
                    target[offset + p] = (byte)RgbaImage.OverBlack(r, a);
                    target[offset + plane + p] = (byte)RgbaImage.OverBlack(g, a);
                    target[offset + 2 * plane + p] = (byte)RgbaImage.OverBlack(b, a);
                    break;
                default:
                    var visible = a > 0;
                    target[offset + p] = visible ? (byte)r : (byte)0;
                    target[offset + plane + p] = visible ? (byte)g : (byte)0;
                    target[offset + 2 * plane + p] = visible ? (byte)b : (byte)0;
                    target[offset + 3 * plane + p] = (byte)a;
                    break;
            }
        }
    }

    /// <summary>The model's input value of byte <paramref name="value"/>: binarised, or k / 255.</summary>
    public float Value(byte value) => BinarizeThreshold is { } t ? value >= t ? 1f : 0f : value / 255f;

    /// <summary>An image from one output row of the model (values in [0, 1], channel-major).</summary>
    public RgbaImage ToImage(ReadOnlySpan<float> values)
    {
        if (values.Length != Dimensions) throw new ArgumentException($"expected {Dimensions} values; got {values.Length}.", nameof(values));
        return ToImage(values, Channels, Size, Size);
    }

    /// <summary>A <paramref name="width"/> × <paramref name="height"/> image from <paramref name="channels"/> planes of values in [0, 1].</summary>
    public static RgbaImage ToImage(ReadOnlySpan<float> values, int channels, int width, int height)
    {
        var plane = width * height;
        if (values.Length != channels * plane) throw new ArgumentException($"expected {channels * plane} values; got {values.Length}.", nameof(values));
        var rgba = new byte[4 * plane];
        for (var p = 0; p < plane; p++)
        {
            switch (channels)
            {
                case 1:
                    var grey = Byte(values[p]);
                    (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = (grey, grey, grey, 255);
                    break;
                case 3:
                    (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = (Byte(values[p]), Byte(values[plane + p]), Byte(values[2 * plane + p]), 255);
                    break;
                default:
                    var a = Byte(values[3 * plane + p]);
                    if (a > 0)
                        (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]) = (Byte(values[p]), Byte(values[plane + p]), Byte(values[2 * plane + p]));
                    rgba[4 * p + 3] = a;
                    break;
            }
        }
        return new RgbaImage(width, height, rgba);
    }

    private static byte Byte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
