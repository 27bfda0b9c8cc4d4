using System.Text;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Text.Evaluation;

namespace VaeCreative.Text.Spelling;

/// <summary>
/// The words a text model may spell (<see cref="SpellingConstraint"/>): the words its training text used at least
/// <see cref="DefaultMinCount"/> times, folded to lower case, stored beside the weights as <see cref="FileName"/> (one
/// word per line, sorted). A word follows <see cref="WordList.Words"/>' rule (letters of any script, inner
/// apostrophes); a possessive <c>'s</c> on a known word, or an apostrophe after a known word in s, is known too.
/// </summary>
public sealed class Lexicon
{
    /// <summary>The lexicon's file name in a model directory.</summary>
    public const string FileName = "lexicon.txt";

    /// <summary>
    /// Fewest occurrences in the training text for a word to be spellable: a word seen once is as often a typo or a
    /// one-off name as a word, and a model spells words it saw a few times. At 3, text-flavour's 50,147 training lines
    /// give 12,357 words.
    /// </summary>
    public const int DefaultMinCount = 3;

    private readonly string[] sorted;

    /// <summary>A lexicon of <paramref name="words"/> (any case; entries that are not one word are left out).</summary>
    public Lexicon(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        sorted = words.Select(w => w.Trim()).Where(IsOneWord).Select(Fold).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Words in the lexicon.</summary>
    public int Count => sorted.Length;

    /// <summary>The words, in ordinal order.</summary>
    public IReadOnlyList<string> Words => sorted;

    /// <summary>The form words are compared in: invariant lower case, with U+2019 as an ASCII apostrophe.</summary>
    public static string Fold(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.ToLowerInvariant().Replace('\u2019', '\'');
    }

    /// <summary>The words of <paramref name="snippets"/> used at least <paramref name="minCount"/> times (counted folded).</summary>
    public static Lexicon FromText(IEnumerable<string> snippets, int minCount = DefaultMinCount)
    {
        ArgumentNullException.ThrowIfNull(snippets);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var snippet in snippets)
            foreach (var word in WordList.Words(snippet))
            {
                var folded = Fold(word);
                counts[folded] = counts.GetValueOrDefault(folded) + 1;
            }
        return new Lexicon(counts.Where(c => c.Value >= minCount).Select(c => c.Key));
    }

    /// <summary>Whether the folded <paramref name="word"/> is known: listed, or a listed word with <c>'s</c>, or a listed word in s with a trailing apostrophe.</summary>
    public bool Contains(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Listed(word)
            || (word.EndsWith("'s", StringComparison.Ordinal) && Listed(word[..^2]))
            || (word.EndsWith("s'", StringComparison.Ordinal) && Listed(word.TrimEnd('\'')));
    }

    /// <summary>Whether some listed word starts with the folded <paramref name="prefix"/> (the empty prefix: any word).</summary>
    public bool HasPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var index = Array.BinarySearch(sorted, prefix, StringComparer.Ordinal);
        if (index >= 0) return true;
        index = ~index;
        return index < sorted.Length && sorted[index].StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The lexicon in <paramref name="directory"/>, or null when it has none (an older model: spelling unconstrained).</summary>
    /// <exception cref="ModelLoadException">The file cannot be read.</exception>
    public static Lexicon? Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return new Lexicon(File.ReadLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new ModelLoadException($"the lexicon {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Writes the lexicon to <paramref name="directory"/> atomically (UTF-8, one word per line).</summary>
    public void Save(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var text = new StringBuilder();
        foreach (var word in sorted) text.Append(word).Append('\n');
        AtomicFile.WriteAllBytes(Path.Combine(directory, FileName), new UTF8Encoding(false).GetBytes(text.ToString()));
    }

    private bool Listed(string word) => word.Length > 0 && Array.BinarySearch(sorted, word, StringComparer.Ordinal) >= 0;

    private static bool IsOneWord(string entry)
    {
        if (entry.Length == 0) return false;
        using var words = WordList.Words(entry).GetEnumerator();
        return words.MoveNext() && words.Current.Length == entry.Length;
    }
}
