using System.Globalization;

namespace VaeCreative.Text.Corpus;

/// <summary>
/// Cuts text longer than a model's longest snippet into pieces that fit: at sentence ends (<c>. ! ?</c> and any
/// closing quotes or brackets after them, followed by white space; the full-width and Indic/Arabic stops
/// <c>。 ！ ？ । ۔ ؟</c> need no white space after them), packing whole sentences into each piece; a sentence that is
/// itself too long is cut at white space, and a word that is too long at a character boundary (never inside a
/// surrogate pair or a combining sequence). The size of a piece is measured in characters (corpus reading) or by any
/// measure that grows with the text, such as a tokenizer's token count (seeds).
/// </summary>
public static class SnippetSplitter
{
    private const string Closers = "\"')]}»”’」』）】";

    /// <summary>
    /// <paramref name="text"/> in pieces of at most <paramref name="maxChars"/> characters, trimmed, none empty; the
    /// text itself (trimmed) when it fits.
    /// </summary>
    public static IReadOnlyList<string> Split(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Cut(text, maxChars, s => s.Length).Select(r => text[r]).ToList();
    }

    /// <summary>
    /// Where to cut <paramref name="text"/> so that each piece measures at most <paramref name="max"/> by
    /// <paramref name="measure"/>: the pieces' ranges in <paramref name="text"/>, in order, trimmed of white space, none
    /// empty (what lies between two ranges is the white space the text had there, or nothing). A single character
    /// that measures over <paramref name="max"/> still becomes a piece of its own.
    /// </summary>
    public static IReadOnlyList<Range> Cut(string text, int max, Func<string, int> measure)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var first = Skip(text, 0);
        var last = text.Length;
        while (last > first && char.IsWhiteSpace(text[last - 1])) last--;
        if (first == last) return [];
        bool Fits(int from, int to) => measure(text[from..to]) <= max;
        if (Fits(first, last)) return [first..last];
        var pieces = new List<Range>();
        void Add(int from, int to)
        {
            while (to > from && char.IsWhiteSpace(text[to - 1])) to--;
            if (to > from) pieces.Add(from..to);
        }
        var start = first; // start of the piece being packed
        var end = first;   // end of the last whole sentence that fits in it
        foreach (var sentenceEnd in SentenceEnds(text, first, last).Append(last))
        {
            if (Fits(start, sentenceEnd))
            {
                end = sentenceEnd;
                continue;
            }
            if (end > start)
            {
                Add(start, end);
                start = Skip(text, end);
            }
            // The sentence alone may still be too long: cut it at white space, then anywhere.
            while (start < sentenceEnd && !Fits(start, sentenceEnd))
            {
                var cut = CutPoint(text, start, sentenceEnd, Fits);
                Add(start, cut);
                start = Skip(text, cut);
            }
            end = sentenceEnd;
        }
        if (end > start) Add(start, end);
        return pieces;
    }

    /// <summary>Positions just after each sentence end (after the punctuation and its closers, before any white space).</summary>
    private static IEnumerable<int> SentenceEnds(string text, int first, int last)
    {
        for (var i = first; i < last; i++)
        {
            var fullWidth = text[i] is '。' or '！' or '？' or '।' or '۔' or '؟';
            if (!fullWidth && text[i] is not ('.' or '!' or '?')) continue;
            var j = i + 1;
            while (j < last && (text[j] is '.' or '!' or '?' or '。' or '！' or '？' || Closers.Contains(text[j]))) j++;
            if (j < last && (fullWidth || char.IsWhiteSpace(text[j]))) yield return j;
            i = j - 1;
        }
    }

    /// <summary>
    /// Where to cut the text from <paramref name="start"/> (which does not fit up to <paramref name="bound"/>): after
    /// the longest prefix that fits (found by doubling, then halving), moved back to the last white space in it, else to
    /// the last text element boundary.
    /// </summary>
    private static int CutPoint(string text, int start, int bound, Func<int, int, bool> fits)
    {
        // Longest fitting prefix length in (good, bad): measures grow with the text, so search instead of scanning.
        int good = 0, bad = 1;
        while (start + bad < bound && fits(start, Boundary(text, start + bad)))
        {
            good = bad;
            bad = Math.Min(bad * 2, bound - start);
        }
        if (start + bad >= bound) bad = bound - start;
        while (bad - good > 1)
        {
            var mid = good + (bad - good) / 2;
            if (fits(start, Boundary(text, start + mid))) good = mid;
            else bad = mid;
        }
        var limit = Boundary(text, start + good);
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
        if (cut == start && limit > start) cut = Boundary(text, limit);
        return cut > start ? cut : start + (char.IsHighSurrogate(text[start]) && start + 1 < text.Length ? 2 : 1);
    }

    /// <summary><paramref name="i"/>, or one less when it would split a surrogate pair.</summary>
    private static int Boundary(string text, int i) =>
        i > 0 && i < text.Length && char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]) ? i - 1 : i;

    private static int Skip(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }
}
