namespace VaeCreative.Core.Modalities;

/// <summary>
/// The one media type Core itself names: text, the default of <see cref="Material.FromText"/>. Each modality names
/// its own (<c>AudioMediaTypes</c>, <c>ImageMediaTypes</c>).
/// </summary>
public static class MediaTypes
{
    /// <summary>Plain UTF-8 text.</summary>
    public const string PlainText = "text/plain";
}
