using System.Text;
using FsCheck.Xunit;
using VaeCreative.Core.Modalities;
using VaeCreative.Text.Snippets;

namespace VaeCreative.Tests.Text.Snippets;

public class SnippetTextTests
{
    [Theory]
    [InlineData("", "'seed' is empty.")]
    [InlineData("   \t\n ", "'seed' is empty (only white space).")]
    public void Empty_or_white_space_only_text_is_refused(string text, string message)
    {
        var e = Assert.Throws<TextReadException>(() => SnippetText.Check(text, "seed"));
        Assert.Equal(message, e.Message);
        Assert.False(e.OverLimit);
        Assert.IsAssignableFrom<MaterialException>(e);
    }

    [Fact]
    public void A_one_megabyte_string_is_refused_as_over_the_limit()
    {
        var e = Assert.Throws<TextReadException>(() => SnippetText.Check(new string('a', 1 << 20), "text"));
        Assert.True(e.OverLimit);
        Assert.Equal("'text' is 1,048,576 characters long; a snippet may be at most 4,096 characters.", e.Message);
    }

    [Fact]
    public void The_limit_counts_characters_after_NFC()
    {
        Assert.Equal(SnippetText.MaxChars, SnippetText.Check(new string('x', SnippetText.MaxChars), "seed").Length);
        Assert.True(Assert.Throws<TextReadException>(() => SnippetText.Check(new string('x', SnippetText.MaxChars + 1), "seed")).OverLimit);
        // 3,000 decomposed é (6,000 characters) compose to 3,000: accepted.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 3_000));
        Assert.Equal(new string('\u00E9', 3_000), SnippetText.Check(decomposed, "seed"));
    }

    [Fact]
    public void NUL_and_unpaired_surrogates_are_refused_with_where_they_are()
    {
        // Built at run time: attribute arguments cannot carry unpaired surrogates (they are stored as UTF-8).
        (string Text, string Message)[] cases =
        [
            ("a\0b", "'seed' holds a NUL character (at character 1); text snippets cannot contain NUL."),
            ("ab" + (char)0xD800, "'seed' is not valid Unicode: an unpaired surrogate U+D800 at character 2."),
            ((char)0xDC00 + "x", "'seed' is not valid Unicode: an unpaired surrogate U+DC00 at character 0."),
            ("x" + (char)0xDBFF + (char)0xDBFF + (char)0xDC00, "'seed' is not valid Unicode: an unpaired surrogate U+DBFF at character 1."),
        ];
        foreach (var (text, message) in cases)
            Assert.Equal(message, Assert.Throws<TextReadException>(() => SnippetText.Check(text, "seed")).Message);
    }

    [Theory]
    [InlineData("A tattered banner flaps over the gate.")]
    [InlineData("  keeps its spaces\t")]
    [InlineData("東京の夜 😀 👩‍👩‍👧 مرحبا שלום Ελληνικά")]
    [InlineData("controls \u0001 \u001B[0m and\nnew lines")]
    public void Non_English_and_unusual_text_is_accepted_unchanged_when_in_NFC(string text) =>
        Assert.Equal(text, SnippetText.Check(text, "seed"));

    [Fact]
    public void Check_returns_NFC()
    {
        Assert.Equal("caf\u00E9 \uAC01", SnippetText.Check("cafe\u0301 \u1100\u1161\u11A8", "seed"));
    }

    [Fact]
    public void DecodeUtf8_strips_a_byte_order_mark_and_keeps_the_rest()
    {
        Assert.Equal("héllo 😀", SnippetText.DecodeUtf8([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("héllo 😀")], "seed"));
        Assert.Equal("\uFEFFx", SnippetText.DecodeUtf8([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, (byte)'x'], "seed")); // only one BOM is a mark
        Assert.Equal("", SnippetText.DecodeUtf8([], "seed"));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x62, 0x63, 0xFF, 0x64 }, 3, 0xFF)]           // never valid
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x61, 0xC3 }, 4, 0xC3)]           // truncated after a BOM: offsets count the BOM
    [InlineData(new byte[] { 0xC0, 0x80 }, 0, 0xC0)]                             // overlong NUL
    [InlineData(new byte[] { 0x61, 0xED, 0xA0, 0x80 }, 1, 0xED)]                 // an encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, 0, 0xF4)]                 // above U+10FFFF
    [InlineData(new byte[] { 0x61, 0x80 }, 1, 0x80)]                             // a lone continuation byte
    public void DecodeUtf8_names_the_offset_of_the_first_invalid_sequence(byte[] bytes, int offset, int value)
    {
        var e = Assert.Throws<TextReadException>(() => SnippetText.DecodeUtf8(bytes, "lines.txt"));
        Assert.Equal($"'lines.txt' is not valid UTF-8: invalid byte 0x{value:X2} at byte offset {offset}; save it as UTF-8.", e.Message);
    }

    [Property(MaxTest = 500, Replay = "11,1031")]
    public void DecodeUtf8_accepts_exactly_what_a_strict_decoder_accepts(byte[] bytes)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        string? expected;
        try { expected = strict.GetString(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes); }
        catch (DecoderFallbackException) { expected = null; }
        string? actual;
        try { actual = SnippetText.DecodeUtf8(bytes, "seed"); }
        catch (TextReadException) { actual = null; }
        Assert.Equal(expected, actual);
    }
}
