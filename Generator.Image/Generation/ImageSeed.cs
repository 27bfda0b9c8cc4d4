using VaeCreative.Core.Modalities;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Generation;

/// <summary>
/// An image seed read and fitted by an <see cref="ImageGenerator"/>: the decoded image, where it sits in the model's
/// input, the model's input row, and the colours outputs are snapped to when they are.
/// </summary>
public sealed class ImageSeed : PreparedSeed
{
    internal ImageSeed(RgbaImage image, ImagePlacement? placement, float[] modelRow, long[] inputShape, ImagePalette? palette, (int Width, int Height)? scaled = null)
    {
        Image = image;
        Placement = placement;
        ModelRow = modelRow;
        InputShape = inputShape;
        Palette = palette;
        Scaled = scaled ?? (image.Width, image.Height);
    }

    /// <summary>The seed as decoded, at its own size.</summary>
    public RgbaImage Image { get; }

    /// <summary>Where the seed went in a one-code model's square; null for a spatial model, which takes the seed at its own size.</summary>
    public ImagePlacement? Placement { get; }

    /// <summary>The model's input: <see cref="InputShape"/> values in [0, 1].</summary>
    public float[] ModelRow { get; }

    /// <summary>The model's input shape [channels, height, width]: the model's square, or the seed's own size padded to the spatial model's downsampling.</summary>
    public long[] InputShape { get; }

    /// <summary>
    /// The seed's size as a spatial model sees it (its own, unless larger than the model takes at once, when it is
    /// reduced and outputs are enlarged back): the top-left part of each output that is the seed.
    /// </summary>
    public (int Width, int Height) Scaled { get; }

    /// <summary>The seed's colours when outputs are snapped to them; null when they are not.</summary>
    public ImagePalette? Palette { get; }

    /// <inheritdoc />
    public override int Rows => 1;

    /// <inheritdoc />
    /// <remarks>Outputs come back at the seed's size.</remarks>
    public override long OutputPixels => (long)Image.Width * Image.Height;

    /// <inheritdoc />
    /// <remarks>
    /// A PNG of 8-bit RGBA at the seed's size stored without compression: a filter byte and 4 bytes a pixel per row,
    /// deflate's 5 bytes per stored block (at most 64 KiB each) and the chunks around them.
    /// </remarks>
    public override long MaxOutputBytes => PngBound(Image.Width, Image.Height);

    /// <summary>Most bytes an 8-bit RGBA PNG of <paramref name="width"/> × <paramref name="height"/> takes.</summary>
    internal static long PngBound(long width, long height)
    {
        var raw = (width * 4 + 1) * height;
        return raw + 5 * (raw / 65_535 + 1) + 12 * (raw / 8_192 + 1) + 4_096;
    }
}
