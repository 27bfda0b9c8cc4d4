namespace VaeCreative.Core.Training;

/// <summary>
/// The stable hashes that decide which examples are held out, and the one rule that turns a hash into a split: the
/// same answer in every process, on every machine and .NET version (never <c>string.GetHashCode</c>, which changes per
/// process). Each modality keeps its own key (a file's relative path, a drum folder, a text snippet, an image's
/// pixels): changing a key or a hash would change the held-out sets of the models trained before.
/// </summary>
public static class StableSplit
{
    private const uint Offset32 = 2166136261u, Prime32 = 16777619u;
    private const ulong Offset64 = 14695981039346656037UL, Prime64 = 1099511628211UL;

    /// <summary>Buckets the held-out rule compares against: a fraction f holds out the hashes below f × this.</summary>
    private const int Buckets = 10_000;

    /// <summary>FNV-1a-32 over <paramref name="key"/>'s UTF-16 code units (the key of paths and text snippets).</summary>
    public static uint Hash(ReadOnlySpan<char> key)
    {
        var hash = Offset32;
        foreach (var ch in key)
        {
            hash ^= ch;
            hash *= Prime32;
        }
        return hash;
    }

    /// <summary>FNV-1a-64 over <paramref name="bytes"/> (the key of images: their RGBA bytes).</summary>
    public static ulong Hash64(ReadOnlySpan<byte> bytes)
    {
        var hash = Offset64;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= Prime64;
        }
        return hash;
    }

    /// <summary>
    /// True when an example whose key hashes to <paramref name="hash"/> belongs to the held-out
    /// <paramref name="validationFraction"/>: its bucket (hash mod 10,000) lies below the fraction's share. A fraction of
    /// 0 or less holds out nothing.
    /// </summary>
    public static bool IsHeldOut(ulong hash, double validationFraction) =>
        validationFraction > 0 && hash % Buckets < validationFraction * Buckets;

    /// <summary>
    /// True when the file at <paramref name="relativePath"/> belongs to the held-out fraction: its path with '/'
    /// separators, hashed by <see cref="Hash(ReadOnlySpan{char})"/> (MIDI corpora).
    /// </summary>
    public static bool IsPathHeldOut(string relativePath, double validationFraction) =>
        IsHeldOut(Hash(relativePath.Replace('\\', '/')), validationFraction);
}
