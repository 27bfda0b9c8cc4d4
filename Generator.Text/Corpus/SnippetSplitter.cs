using System.Globalization;

namespace VaeCreative.Text.Corpus;

/// <summary>
/// Cuts text longer than a model's longest snippet into pieces that fit: at sentence ends (<c>. ! ?</c>, and any
/// closing quotes or brackets after them, followed by white space), packing whole sentences into each piece; a
/// sentence that is itself too long is cut at white space, and a word that is too long at a character boundary
/// (never inside a surrogate pair or a combining sequence).
/// </summary>
public static class SnippetSplitter
{
    private const string Closers = "\"')]}»”’";

    /// <summary>
    /// <paramref name="text"/> in pieces of at most <paramref name="maxChars"/> characters, trimmed, none empty; the
    /// text itself (trimmed) when it fits.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        text = text.Trim();
        if (text.Length == 0) return [];
        if (text.Length <= maxChars) return [text];
        var pieces = new List<string>();
        var start = 0; // start of the piece being packed
        var end = 0;   // end of the last whole sentence that fits in it
        foreach (var sentenceEnd in SentenceEnds(text).Append(text.Length))
        {
            if (sentenceEnd - start <= maxChars)
            {
                end = sentenceEnd;
                continue;
            }
            if (end > start)
            {
                pieces.Add(text[start..end].Trim());
                start = Skip(text, end);
            }
            // The sentence alone may still be too long: cut it at white space, then anywhere.
            while (sentenceEnd - start > maxChars)
            {
                var cut = CutPoint(text, start, maxChars);
                pieces.Add(text[start..cut].Trim());
                start = Skip(text, cut);
            }
            end = sentenceEnd;
        }
        if (end > start) pieces.Add(text[start..end].Trim());
        pieces.RemoveAll(p => p.Length == 0);
        return pieces;
    }

    /// <summary>Positions just after each sentence end (after the punctuation and its closers, before the white space).</summary>
    private static IEnumerable<int> SentenceEnds(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            var j = i + 1;
            while (j < text.Length && (text[j] is '.' or '!' or '?' || Closers.Contains(text[j]))) j++;
            if (j < text.Length && char.IsWhiteSpace(text[j])) yield return j;
            i = j - 1;
        }
    }

    /// <summary>Where to cut the text from <paramref name="start"/> to fit <paramref name="maxChars"/>: the last white space, else the last text element boundary.</summary>
    private static int CutPoint(string text, int start, int maxChars)
    {
        var limit = start + maxChars;
        for (var i = limit; i > start; i--)
            if (char.IsWhiteSpace(text[i])) return i;
        var cut = start;
        while (cut < text.Length)
        {
            var next = cut + StringInfo.GetNextTextElementLength(text.AsSpan(cut));
            if (next > limit) break;
            cut = next;
        }
        // One text element longer than the limit (a long run of combining marks): cut between code points.
        if (cut == start) cut = char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
        return cut == start ? start + 1 : cut;
    }

    private static int Skip(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }
}
