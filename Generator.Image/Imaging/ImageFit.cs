using SkiaSharp;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Fits seeds of any size to a model's square and brings outputs back. The aspect ratio is kept and the image centred
/// on a clear (alpha 0) background. A seed at or below the model's size is pixel art until shown otherwise: it is
/// enlarged by nearest neighbour, so its pixels stay hard-edged, and outputs are reduced back the same way (exact for
/// whole-number scales). A larger seed is reduced with area filtering (mipmapped, in premultiplied alpha, so clear
/// pixels do not darken their neighbours) and outputs are enlarged back with a cubic filter.
/// </summary>
public static class ImageFit
{
    /// <summary><paramref name="image"/> scaled into a <paramref name="size"/>-pixel square, and where it went.</summary>
    public static (RgbaImage Fitted, ImagePlacement Placement) ToSquare(RgbaImage image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var pixelArt = image.Width <= size && image.Height <= size;
        var (width, height) = Within(image.Width, image.Height, size);
        var placement = new ImagePlacement(image.Width, image.Height, size, (size - width) / 2, (size - height) / 2, width, height, pixelArt);
        var scaled = pixelArt ? ResizeNearest(image, width, height) : Resize(image, width, height, Area);
        var square = new byte[4 * size * size]; // clear
        for (var row = 0; row < height; row++)
            Array.Copy(scaled.Rgba, 4 * row * width, square, 4 * ((placement.Y + row) * size + placement.X), 4 * width);
        return (new RgbaImage(size, size, square), placement);
    }

    /// <summary>The size of a <paramref name="width"/> × <paramref name="height"/> image scaled, aspect kept, to just fit a <paramref name="side"/>-pixel square (at least 1 × 1).</summary>
    internal static (int Width, int Height) Within(int width, int height, int side)
    {
        var scale = Math.Min((double)side / width, (double)side / height);
        return (Math.Clamp((int)Math.Round(width * scale), 1, side), Math.Clamp((int)Math.Round(height * scale), 1, side));
    }

    /// <summary>An output of the model (a <see cref="ImagePlacement.Size"/>-pixel square) cut to the seed's rectangle and scaled back to the seed's size.</summary>
    public static RgbaImage Back(RgbaImage output, ImagePlacement placement)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(placement);
        if (output.Width != placement.Size || output.Height != placement.Size)
            throw new ArgumentException($"the output is {output.Width}×{output.Height}; the placement is for a {placement.Size}-pixel square.", nameof(output));
        var cut = new byte[4 * placement.Width * placement.Height];
        for (var row = 0; row < placement.Height; row++)
            Array.Copy(output.Rgba, 4 * ((placement.Y + row) * placement.Size + placement.X), cut, 4 * row * placement.Width, 4 * placement.Width);
        var inner = new RgbaImage(placement.Width, placement.Height, cut);
        return placement.PixelArt
            ? ResizeNearest(inner, placement.SourceWidth, placement.SourceHeight)
            : Resize(inner, placement.SourceWidth, placement.SourceHeight, Cubic);
    }

    /// <summary>Reduction: linear between mipmap levels (area filtering).</summary>
    internal static readonly SKSamplingOptions Area = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Enlargement: Mitchell's cubic.</summary>
    internal static readonly SKSamplingOptions Cubic = new(SKCubicResampler.Mitchell);

    /// <summary>
    /// <paramref name="image"/> extended on the bottom and right to sides that are multiples of <paramref name="multiple"/>,
    /// repeating its last row and column (what a convolution then sees at the edge is the image's own border).
    /// </summary>
    internal static RgbaImage PadToMultiple(RgbaImage image, int multiple)
    {
        var width = (image.Width + multiple - 1) / multiple * multiple;
        var height = (image.Height + multiple - 1) / multiple * multiple;
        if (width == image.Width && height == image.Height) return image;
        var rgba = new byte[4 * width * height];
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Min(y, image.Height - 1);
            Array.Copy(image.Rgba, 4 * sy * image.Width, rgba, 4 * y * width, 4 * image.Width);
            for (var x = image.Width; x < width; x++) Array.Copy(image.Rgba, 4 * (sy * image.Width + image.Width - 1), rgba, 4 * (y * width + x), 4);
        }
        return new RgbaImage(width, height, rgba);
    }

    /// <summary>The top-left <paramref name="width"/> × <paramref name="height"/> of <paramref name="image"/>.</summary>
    internal static RgbaImage Crop(RgbaImage image, int width, int height)
    {
        if (width == image.Width && height == image.Height) return image;
        if (width > image.Width || height > image.Height) throw new ArgumentException($"cannot crop a {image.Width}×{image.Height} image to {width}×{height}.");
        var rgba = new byte[4 * width * height];
        for (var y = 0; y < height; y++) Array.Copy(image.Rgba, 4 * y * image.Width, rgba, 4 * y * width, 4 * width);
        return new RgbaImage(width, height, rgba);
    }

    /// <summary>
    /// Nearest neighbour by pixel centres, on the straight RGBA bytes: every output pixel is a copy of an input pixel,
    /// colour and alpha exactly (a drawing pass would premultiply, losing the colour of clear and faint pixels).
    /// </summary>
    internal static RgbaImage ResizeNearest(RgbaImage image, int width, int height)
    {
        if (image.Width == width && image.Height == height) return image;
        var rgba = new byte[4 * width * height];
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Min(image.Height - 1, (int)((y + 0.5) * image.Height / height));
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Min(image.Width - 1, (int)((x + 0.5) * image.Width / width));
                Array.Copy(image.Rgba, 4 * (sy * image.Width + sx), rgba, 4 * (y * width + x), 4);
            }
        }
        return new RgbaImage(width, height, rgba);
    }

    /// <summary><paramref name="image"/> at <paramref name="width"/> × <paramref name="height"/> by a Skia draw (itself when the size is unchanged).</summary>
    internal static RgbaImage Resize(RgbaImage image, int width, int height, SKSamplingOptions sampling)
    {
        if (image.Width == width && image.Height == height) return image;
        using var source = ToBitmap(image);
        using var skImage = SKImage.FromBitmap(source);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var target = new SKBitmap(info);
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
            canvas.DrawImage(skImage, new SKRect(0, 0, width, height), sampling, paint);
        }
        return new RgbaImage(width, height, target.Bytes);
    }

    internal static SKBitmap ToBitmap(RgbaImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(image.Rgba, 0, bitmap.GetPixels(), image.Rgba.Length);
        return bitmap;
    }
}
