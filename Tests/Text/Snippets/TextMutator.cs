using System.Text;

namespace VaeCreative.Tests.Text.Snippets;

/// <summary>
/// Seeded mutations of UTF-8 text, for fuzzing the text reader (<c>SnippetText.DecodeUtf8</c> + <c>Check</c>) and the
/// tokenizer: byte-level (bit flips, bytes that break UTF-8, insertions, deletions, truncation mid-sequence, splices)
/// and text-aware (code points that tokenizers and normalisers trip on, encoded surrogates and overlongs, growth past
/// the snippet limit). Shared by the test suite's short run (TextFuzzTests) and the long campaign (bench/fuzz.sh,
/// which links this file).
/// </summary>
public sealed class TextMutator
{
    /// <summary>Largest input made: the 1 MB string of issue 9's bad inputs.</summary>
    public const int MaxInputBytes = 1 << 20;

    /// <summary>Bytes that start, continue or break UTF-8 sequences.</summary>
    private static readonly byte[] Interesting = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x25, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF];

    /// <summary>Code points that tokenizers and normalisers handle specially.</summary>
    private static readonly int[] InterestingCodePoints =
    [
        0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x20, 0x25, 0x3C, 0x85, 0xA0, 0xE9, 0x0301, 0x0323, 0x0345, 0x0958, 0x1100, 0x1161, 0x11A8,
        0xAC00, 0x200B, 0x200D, 0x200F, 0x202E, 0x2028, 0x212B, 0x2581, 0x3000, 0xFE0F, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF,
        0x1D15E, 0x1F3FD, 0x1F469, 0x1F1EB, 0x10FFFF,
    ];

    /// <summary>Invalid UTF-8 that looks almost valid: encoded surrogates, overlongs, above U+10FFFF, truncated sequences.</summary>
    private static readonly byte[][] AlmostUtf8 =
    [
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC0, 0x80], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80],
        [0xE2, 0x96], [0xF0, 0x9F, 0x98], [0xC3],
    ];

    private readonly IReadOnlyList<byte[]> seeds;

    /// <summary>A mutator over <paramref name="seeds"/> (UTF-8 text, ideally).</summary>
    public TextMutator(IReadOnlyList<byte[]> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed.", nameof(seeds));
        this.seeds = seeds;
    }

    /// <summary>Seeds: snippets in several scripts, with emoji, controls, a byte order mark and Windows line ends.</summary>
    public static IReadOnlyList<byte[]> DefaultSeeds() =>
    [
        .. new[]
        {
            "A tattered banner flaps over the gate.",
            "The old wizard sleeps under the bridge; the river runs cold and dark.",
            "Café déjà vu — naïve façade, “curly quotes” and ‘single’ ones.",
            "東京の夜は静かです。北京欢迎你。서울의 밤.",
            "مرحبا بالعالم — שלום עולם",
            "Emoji: 😀 👩‍👩‍👧 🇫🇷 👍🏽 1️⃣",
            "tabs\tand\r\nWindows lines\nand \u0001 controls",
            "   spaces   everywhere   ",
            "cafe\u0301 \u1100\u1161\u11A8 (decomposed)",
            "\u2581 marker <s> </s> <0x41>",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("With a byte order mark.")],
    ];

    /// <summary>Names of the mutation operators, in the order <see cref="Next"/> draws them from.</summary>
    public static readonly string[] Operators =
    [
        "bit-flips", "interesting-bytes", "insert-bytes", "insert-code-points", "almost-utf8", "delete", "duplicate", "truncate", "splice", "grow",
    ];

    /// <summary>One input: a seed with one to three mutations stacked.</summary>
    public byte[] Next(Random random)
    {
        var data = seeds[random.Next(seeds.Count)];
        for (int i = 0, rounds = 1 + random.Next(3); i < rounds && data.Length <= MaxInputBytes; i++)
            data = Mutate(data, random.Next(Operators.Length), random);
        return data.Length > MaxInputBytes ? data[..MaxInputBytes] : data;
    }

    /// <summary>Applies operator <paramref name="op"/> (an index into <see cref="Operators"/>).</summary>
    public byte[] Mutate(byte[] data, int op, Random random)
    {
        if (data.Length == 0) return [(byte)random.Next(256)];
        return op switch
        {
            0 => FlipBits(data, random),
            1 => SetInteresting(data, random),
            2 => Insert(data, random.Next(data.Length + 1), Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)).ToArray()),
            3 => Insert(data, CharBoundary(data, random), Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 1 + random.Next(6))
                .Select(_ => char.ConvertFromUtf32(InterestingCodePoints[random.Next(InterestingCodePoints.Length)]))))),
            4 => Insert(data, CharBoundary(data, random), AlmostUtf8[random.Next(AlmostUtf8.Length)]),
            5 => Delete(data, random),
            6 => Duplicate(data, random),
            7 => data[..random.Next(data.Length)],
            8 => Splice(data, seeds[random.Next(seeds.Count)], random),
            _ => Grow(data, random),
        };
    }

    private static byte[] FlipBits(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (int i = 0, n = 1 + random.Next(4); i < n; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] SetInteresting(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (int i = 0, n = 1 + random.Next(3); i < n; i++) copy[random.Next(copy.Length)] = Interesting[random.Next(Interesting.Length)];
        return copy;
    }

    /// <summary>A position that is not inside a UTF-8 sequence (so that inserted text stays valid where the seed was).</summary>
    private static int CharBoundary(byte[] data, Random random)
    {
        var i = random.Next(data.Length + 1);
        while (i < data.Length && (data[i] & 0xC0) == 0x80) i++;
        return i;
    }

    private static byte[] Insert(byte[] data, int at, byte[] bytes) => [.. data.AsSpan(0, at), .. bytes, .. data.AsSpan(at)];

    private static byte[] Delete(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var length = 1 + random.Next(Math.Min(16, data.Length - at));
        return [.. data.AsSpan(0, at), .. data.AsSpan(at + length)];
    }

    private static byte[] Duplicate(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var length = 1 + random.Next(Math.Min(64, data.Length - at));
        var times = 1 + random.Next(8);
        return Insert(data, at, [.. Enumerable.Repeat(data[at..(at + length)], times).SelectMany(b => b)]);
    }

    private static byte[] Splice(byte[] data, byte[] other, Random random) =>
        [.. data.AsSpan(0, random.Next(data.Length + 1)), .. other.AsSpan(random.Next(other.Length + 1))];

    /// <summary>The text repeated to around the snippet limit (4,096 characters) or far past it.</summary>
    private static byte[] Grow(byte[] data, Random random)
    {
        int[] targets = [3_000, 4_096, 4_097, 6_000, 20_000, 200_000, MaxInputBytes];
        var target = targets[random.Next(targets.Length)];
        var result = new byte[Math.Min(MaxInputBytes, Math.Max(data.Length, target))];
        for (var i = 0; i < result.Length; i++) result[i] = data[i % data.Length];
        return result;
    }
}
