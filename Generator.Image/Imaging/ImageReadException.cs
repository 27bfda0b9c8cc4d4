using VaeCreative.Core.Modalities;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// Bytes that cannot be used as an image: empty, not an image format we read, damaged or truncated, zero-sized, or
/// over the pixel limit (a decompression bomb is refused from its header, before any pixel is decoded). A
/// <see cref="MaterialException"/>, so the host answers <c>bad-seed</c> (<c>limit-exceeded</c> when
/// <see cref="MaterialException.OverLimit"/>) and the CLI prints one line.
/// </summary>
public sealed class ImageReadException : MaterialException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the field or file.</param>
    /// <param name="overLimit">True when the image is well-formed but has more pixels than allowed.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public ImageReadException(string message, bool overLimit = false, Exception? inner = null) : base(message, overLimit, inner) { }
}
