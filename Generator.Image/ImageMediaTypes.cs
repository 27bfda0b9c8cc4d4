namespace VaeCreative.Image;

/// <summary>Media types the image modality reads and writes.</summary>
public static class ImageMediaTypes
{
    /// <summary>PNG image: what image models write (and read, beside the other formats SkiaSharp decodes).</summary>
    public const string Png = "image/png";
}
