using VaeCreative.Core.Modalities;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Generation;

/// <summary>
/// An image seed read and fitted by an <see cref="ImageGenerator"/>: the decoded image, where it sits in the model's
/// square, the model's input row, and, with <c>palette=seed</c>, the colours outputs are snapped to.
/// </summary>
public sealed class ImageSeed : PreparedSeed
{
    internal ImageSeed(RgbaImage image, ImagePlacement placement, float[] modelRow, ImagePalette? palette)
    {
        Image = image;
        Placement = placement;
        ModelRow = modelRow;
        Palette = palette;
    }

    /// <summary>The seed as decoded, at its own size.</summary>
    public RgbaImage Image { get; }

    /// <summary>Where the seed went in the model's square.</summary>
    public ImagePlacement Placement { get; }

    /// <summary>The model's input: channels × size × size values in [0, 1].</summary>
    public float[] ModelRow { get; }

    /// <summary>The seed's colours when outputs are snapped to them; null when they are not.</summary>
    public ImagePalette? Palette { get; }

    /// <inheritdoc />
    public override int Rows => 1;
}
