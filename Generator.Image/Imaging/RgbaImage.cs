namespace VaeCreative.Image.Imaging;

/// <summary>
/// A decoded image: straight (not premultiplied) 8-bit RGBA pixels, row by row from the top left, whatever the file
/// held (palette, grey, 1- or 16-bit samples are widened or narrowed to 8 bits per channel; alpha is kept).
/// </summary>
public sealed class RgbaImage
{
    /// <summary>An image of <paramref name="width"/> × <paramref name="height"/> pixels from <paramref name="rgba"/> (4 bytes a pixel).</summary>
    public RgbaImage(int width, int height, byte[] rgba)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(rgba);
        if (rgba.LongLength != 4L * width * height)
            throw new ArgumentException($"a {width}×{height} image needs {4L * width * height} bytes of RGBA; got {rgba.LongLength}.", nameof(rgba));
        Width = width;
        Height = height;
        Rgba = rgba;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels: R, G, B, A per pixel.</summary>
    public byte[] Rgba { get; }

    /// <summary>True when some pixel is not fully opaque.</summary>
    public bool HasAlpha
    {
        get
        {
            for (var i = 3; i < Rgba.Length; i += 4)
                if (Rgba[i] != 255) return true;
            return false;
        }
    }

    /// <summary>True when every pixel has R = G = B (a grey image, whatever the file's colour type).</summary>
    public bool IsGrey
    {
        get
        {
            for (var i = 0; i < Rgba.Length; i += 4)
                if (Rgba[i] != Rgba[i + 1] || Rgba[i] != Rgba[i + 2]) return false;
            return true;
        }
    }

    /// <summary>The grey level of a colour: itself when R = G = B, else its Rec. 601 luma (0.299 R + 0.587 G + 0.114 B, rounded).</summary>
    public static int Luma(int r, int g, int b) => r == g && g == b ? r : (299 * r + 587 * g + 114 * b + 500) / 1000;

    /// <summary>A channel value seen over black at opacity <paramref name="alpha"/> (0–255), rounded.</summary>
    public static int OverBlack(int value, int alpha) => (value * alpha + 127) / 255;
}
