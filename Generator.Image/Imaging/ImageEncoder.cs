using System.Runtime.InteropServices;
using SkiaSharp;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Writes <see cref="RgbaImage"/>s as PNG in the seed's mode family: an opaque grey image as 8-bit grey (a quarter of
/// the bytes, and what grey tools expect back), an opaque colour image as 8-bit RGB, anything else as 8-bit RGBA with
/// its alpha. Lossless both ways:
/// decoding the PNG gives the same pixels (colour of fully clear pixels included).
/// </summary>
public static class ImageEncoder
{
    /// <summary>PNG bytes of <paramref name="image"/>; grey when <paramref name="grey"/> (default: when the image is opaque and grey).</summary>
    public static byte[] Png(RgbaImage image, bool? grey = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var asGrey = grey ?? (image.IsGrey && !image.HasAlpha);
        var info = asGrey
            ? new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, image.HasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var pixels = asGrey ? GreyOf(image) : image.Rgba;
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}×{image.Height} PNG.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The red channel of each pixel (R = G = B in a grey image; a luma mix otherwise).</summary>
    private static byte[] GreyOf(RgbaImage image)
    {
        var grey = new byte[image.Width * image.Height];
        for (var p = 0; p < grey.Length; p++)
        {
            var (r, g, b) = (image.Rgba[4 * p], image.Rgba[4 * p + 1], image.Rgba[4 * p + 2]);
            grey[p] = (byte)RgbaImage.Luma(r, g, b);
        }
        return grey;
    }
}
