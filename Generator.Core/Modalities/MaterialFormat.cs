namespace VaeCreative.Core.Modalities;

/// <summary>A file format a modality reads and writes.</summary>
/// <param name="MediaType">The media type, e.g. <c>audio/midi</c>.</param>
/// <param name="Extensions">File extensions with the dot, lower case, the one written first (e.g. <c>.mid</c>, <c>.midi</c>).</param>
public sealed record MaterialFormat(string MediaType, IReadOnlyList<string> Extensions)
{
    /// <summary>True when <paramref name="path"/> has one of <see cref="Extensions"/>.</summary>
    public bool Matches(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant(), StringComparer.Ordinal);
}
