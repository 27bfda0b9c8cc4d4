using System.Text;

namespace VaeCreative.Core.Modalities;

/// <summary>
/// Seed material or a generated output of any modality: a media type plus either bytes (a MIDI file, an image) or
/// text, and properties that describe it (notes and bars of a melody, tokens of a snippet) or steer how it is read
/// (the MIDI track to take). Immutable.
/// </summary>
public sealed record Material
{
    private Material(string mediaType, byte[]? data, string? text, IReadOnlyDictionary<string, string>? properties)
    {
        MediaType = mediaType;
        Data = data;
        Text = text;
        Properties = properties ?? Empty;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The media type, e.g. <c>audio/midi</c> or <c>text/plain</c>.</summary>
    public string MediaType { get; }

    /// <summary>The bytes of binary material; null for text.</summary>
    public byte[]? Data { get; }

    /// <summary>The text of text material; null for binary material.</summary>
    public string? Text { get; }

    /// <summary>Descriptions or reading hints (strings; numbers written invariantly).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>True when the material is text.</summary>
    public bool IsText => Text is not null;

    /// <summary>Text material (<c>text/plain</c> unless told otherwise).</summary>
    public static Material FromText(string text, IReadOnlyDictionary<string, string>? properties = null, string mediaType = MediaTypes.PlainText)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Material(mediaType, null, text, properties);
    }

    /// <summary>Binary material of <paramref name="mediaType"/>.</summary>
    public static Material FromBytes(string mediaType, byte[] data, IReadOnlyDictionary<string, string>? properties = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        ArgumentNullException.ThrowIfNull(data);
        return new Material(mediaType, data, null, properties);
    }

    /// <summary>This material with one more property.</summary>
    public Material With(string property, string value)
    {
        var properties = new Dictionary<string, string>(Properties, StringComparer.Ordinal) { [property] = value };
        return new Material(MediaType, Data, Text, properties);
    }

    /// <summary>A short description for messages: media type and size.</summary>
    public override string ToString() =>
        Text is not null ? $"{MediaType} ({Encoding.UTF8.GetByteCount(Text)} bytes of text)" : $"{MediaType} ({Data!.Length} bytes)";
}
