using SkiaSharp;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Reads PNG, JPEG, BMP, GIF (its first frame) and WebP with SkiaSharp's codecs into <see cref="RgbaImage"/>. The
/// header is read first: an image with no pixels or more than the pixel limit is refused before anything is decoded,
/// so a decompression bomb (a few KB of PNG declaring 100,000 × 100,000 pixels) costs nothing. A PNG's text and other
/// metadata chunks are cut out before the codec sees them (<see cref="PngChunks"/>), so they cost linear time.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Default of the pixel limit: 16,777,216 pixels, a count (the pixels of 4,096 × 4,096, 64 MB of RGBA; a 1 × 100,000 strip is within it).</summary>
    public const long DefaultMaxPixels = 4096L * 4096;

    /// <summary>The formats read, as users name them.</summary>
    public const string Formats = "PNG, JPEG, BMP, GIF or WebP";

    /// <summary>
    /// Decodes <paramref name="data"/> (named <paramref name="field"/> in errors) to straight RGBA, refusing images of
    /// more than <paramref name="maxPixels"/> pixels (<see cref="ImageReadException"/> with
    /// <see cref="Core.Modalities.MaterialException.OverLimit"/>) and anything damaged, truncated or not an image.
    /// </summary>
    public static RgbaImage Decode(byte[] data, string field, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        if (data.Length == 0) throw new ImageReadException($"'{field}' is empty.");
        // The codec owns the stream it is given; a stream no codec took is disposed here.
        var stream = new SKMemoryStream(CodecInput(data, field));
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec is null)
        {
            stream.Dispose();
            throw new ImageReadException(opened == SKCodecResult.IncompleteInput
                ? $"'{field}' is truncated: its header ends early."
                : $"'{field}' is not an image this toolkit reads ({Formats}).");
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0) throw new ImageReadException($"'{field}' has no pixels ({width}×{height}).");
        if ((long)width * height > maxPixels)
            throw new ImageReadException(
                $"'{field}' is {width:N0}×{height:N0} pixels ({(long)width * height:N0}); the limit is {maxPixels:N0} pixels.", overLimit: true);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = codec.GetPixels(info, out var pixels);
        return result switch
        {
            SKCodecResult.Success => new RgbaImage(width, height, pixels),
            SKCodecResult.IncompleteInput => throw new ImageReadException($"'{field}' is truncated: the {codec.EncodedFormat} data ends before the last row."),
            SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => throw new ImageReadException($"'{field}' is a damaged {codec.EncodedFormat} image."),
            _ => throw new ImageReadException($"'{field}' could not be decoded as {codec.EncodedFormat} ({result})."),
        };
    }

    /// <summary>The bytes handed to SkiaSharp's codec for <paramref name="data"/>: a PNG without the chunks that decoding does not need (<see cref="PngChunks"/>).</summary>
    internal static byte[] CodecInput(byte[] data, string field) => PngChunks.ForDecoding(data, field);
}
