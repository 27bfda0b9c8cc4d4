using System.Text;
using VaeCreative.Text.Unicode;

namespace VaeCreative.Text.Snippets;

/// <summary>
/// What text counts as one snippet (a seed, an interpolation end, a line of a seed file): the checks every entry
/// point runs before text reaches the tokenizer, and the one place for the longest snippet accepted.
/// </summary>
public static class SnippetText
{
    /// <summary>
    /// Longest snippet accepted as a seed, in UTF-16 characters after NFC: a long paragraph (flavour text is a line or
    /// two; the bundled model trains on snippets far shorter). Longer text is refused, not cut, so nobody gets
    /// variations of half their input without being told.
    /// </summary>
    public const int MaxChars = 4_096;

    /// <summary>
    /// The NFC form of <paramref name="text"/>, after checking it can be a snippet. Throws
    /// <see cref="TextReadException"/> naming <paramref name="field"/> when the text is empty or only white space,
    /// holds a NUL character or an unpaired surrogate (not valid Unicode), or is longer than <see cref="MaxChars"/>
    /// (<see cref="Core.Modalities.MaterialException.OverLimit"/> set). Leading and trailing white space is kept.
    /// </summary>
    public static string Check(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Length first, so a 1 MB string is refused before any work on it. NFC can shorten text (a decomposed Hangul
        // syllable is three characters, composed one), so the exact limit is checked after normalising.
        if (text.Length > MaxChars * 4)
            throw TooLong(field, text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                throw new TextReadException($"'{field}' holds a NUL character (at character {i}); text snippets cannot contain NUL.");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c))
                throw new TextReadException($"'{field}' is not valid Unicode: an unpaired surrogate U+{(int)c:X4} at character {i}.");
        }
        if (string.IsNullOrWhiteSpace(text))
            throw new TextReadException(text.Length == 0 ? $"'{field}' is empty." : $"'{field}' is empty (only white space).");
        var normalized = Nfc.Normalize(text);
        if (normalized.Length > MaxChars) throw TooLong(field, normalized.Length);
        return normalized;
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> (a seed file, a request body) as strict UTF-8, dropping a leading byte order
    /// mark. Throws <see cref="TextReadException"/> naming <paramref name="field"/> and the byte offset of the first
    /// invalid sequence. Does not run <see cref="Check"/> (a seed file holds many snippets, one per line).
    /// </summary>
    public static string DecodeUtf8(byte[] bytes, string field)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        var offset = bytes.Length - span.Length;
        // Walk the input rune by rune: the first invalid sequence is reported with its offset in the file.
        var rest = span;
        while (!rest.IsEmpty)
        {
            if (rest[0] < 0x80)
            {
                var ascii = rest.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
                if (ascii < 0) break;
                rest = rest[ascii..];
                continue;
            }
            if (Rune.DecodeFromUtf8(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
                throw new TextReadException(
                    $"'{field}' is not valid UTF-8: invalid byte 0x{rest[0]:X2} at byte offset {offset + span.Length - rest.Length}; save it as UTF-8.");
            rest = rest[consumed..];
        }
        return Encoding.UTF8.GetString(span);
    }

    private static TextReadException TooLong(string field, int length) =>
        new($"'{field}' is {length:N0} characters long; a snippet may be at most {MaxChars:N0} characters.", overLimit: true);
}
