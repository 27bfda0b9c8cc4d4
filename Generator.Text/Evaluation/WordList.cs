using System.Text.RegularExpressions;

namespace VaeCreative.Text.Evaluation;

/// <summary>
/// A dictionary of known words (Debian's <c>wamerican</c>, <see cref="DefaultPath"/>) and the rule for the words of a
/// text: runs of letters (any script), with inner apostrophes. A word is known when its lower case is in the list,
/// also without a possessive <c>'s</c>. Used to measure how many of a model's words are real ones.
/// </summary>
public sealed partial class WordList
{
    /// <summary>The American English list of Debian's <c>wamerican</c> (<c>scripts/setup.sh --text-corpus</c> installs it).</summary>
    public const string DefaultPath = "/usr/share/dict/american-english";

    private readonly HashSet<string> words;

    /// <summary>A list of <paramref name="entries"/> (any case).</summary>
    public WordList(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        words = entries.Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Entries in the list.</summary>
    public int Count => words.Count;

    /// <summary>Reads a list with one word per line (UTF-8); throws <see cref="FileNotFoundException"/> with what to install.</summary>
    public static WordList Load(string path = DefaultPath)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"the word list {path} is missing (apt-get install wamerican; scripts/setup.sh --text-corpus installs it).", path);
        return new WordList(File.ReadLines(path));
    }

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static IEnumerable<string> Words(string text) => WordPattern().Matches(text).Select(m => m.Value);

    /// <summary>Whether <paramref name="word"/> is in the list (in lower case; also without a possessive 's).</summary>
    public bool Contains(string word)
    {
        var lower = word.ToLowerInvariant().Replace('\u2019', '\'');
        if (words.Contains(lower)) return true;
        return lower.EndsWith("'s", StringComparison.Ordinal) && words.Contains(lower[..^2]);
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{M}]*(?:['\u2019]\p{L}[\p{L}\p{M}]*)*")]
    private static partial Regex WordPattern();
}
