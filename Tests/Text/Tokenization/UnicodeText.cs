using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace VaeCreative.Tests.Text.Tokenization;

/// <summary>A string of valid Unicode drawn from many scripts and kinds of character, for property tests.</summary>
public sealed record UnicodeText(string Value)
{
    public override string ToString() => string.Concat(Value.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{{{r.Value:X}}}"));
}

/// <summary>FsCheck generators of <see cref="UnicodeText"/>: scalar values from the ranges where tokenizers go wrong.</summary>
public static class UnicodeArbitraries
{
    /// <summary>(weight, first, last) of the code point ranges drawn from.</summary>
    private static readonly (int Weight, int First, int Last)[] Ranges =
    [
        (20, 0x20, 0x7E),       // ASCII
        (8, 0x20, 0x20),        // spaces, often several in a row
        (4, 0x00, 0x1F),        // C0 controls: \0 \t \n \r \u0001 …
        (2, 0x7F, 0x9F),        // DEL and C1 controls
        (6, 0xA0, 0x24F),       // Latin-1, Latin Extended
        (8, 0x300, 0x36F),      // combining diacritics
        (3, 0x370, 0x4FF),      // Greek, Cyrillic
        (4, 0x590, 0x6FF),      // Hebrew, Arabic (right to left)
        (2, 0x900, 0x97F),      // Devanagari
        (3, 0x1100, 0x11FF),    // Hangul jamo (compose under NFC)
        (3, 0xAC00, 0xD7A3),    // Hangul syllables
        (5, 0x4E00, 0x9FFF),    // CJK
        (3, 0x2000, 0x206F),    // spaces, ZWJ, bidi controls
        (2, 0x2500, 0x259F),    // box drawing, U+2581 (SentencePiece's space marker)
        (2, 0xFE00, 0xFE0F),    // variation selectors
        (1, 0xFEFF, 0xFFFF),    // BOM, specials, noncharacters
        (1, 0xE000, 0xF8FF),    // private use
        (5, 0x1F300, 0x1FAFF),  // emoji
        (2, 0x10000, 0x10FFFF), // anything above the BMP
    ];

    public static Arbitrary<UnicodeText> Text()
    {
        var point = Gen.Frequency(Ranges.Select(r => (r.Weight, Gen.Choose(r.First, r.Last))).ToArray());
        var gen = Gen.Sized(size => Gen.Choose(0, Math.Max(1, size)).SelectMany(n => Gen.ArrayOf(point, n)))
            .Select(points =>
            {
                var builder = new StringBuilder();
                foreach (var p in points) builder.Append(char.ConvertFromUtf32(p));
                return new UnicodeText(builder.ToString());
            });
        return Arb.From(gen);
    }
}
