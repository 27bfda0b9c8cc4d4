namespace VaeCreative.Text.Spelling;

/// <summary>
/// One decoded row's spelling state for <see cref="SpellingConstraint"/>: its seed's words, whether byte pieces are
/// allowed, and the word being spelled (<see cref="WordState"/>).
/// </summary>
public sealed class RowSpelling
{
    private readonly HashSet<string> seedFolded;
    private readonly IReadOnlyList<string> seedWords;

    private readonly HashSet<string> byteCharacters;

    internal RowSpelling(IReadOnlyList<string> seedWords, HashSet<string> byteCharacters, int maxTokens)
    {
        this.byteCharacters = byteCharacters;
        MaxTokens = maxTokens;
        this.seedWords = seedWords;
        seedFolded = seedWords.Select(Lexicon.Fold).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether byte pieces may be spelled (the seed spelt some characters in bytes).</summary>
    public bool AllowBytes => byteCharacters.Count > 0;

    /// <summary>Whether <paramref name="bytes"/> (one char per byte) is the UTF-8 of a character the seed spelt in bytes.</summary>
    internal bool IsByteCharacter(string bytes) => byteCharacters.Contains(bytes);

    /// <summary>Whether <paramref name="bytes"/> (one char per byte) begins such a character.</summary>
    internal bool StartsByteCharacter(string bytes)
    {
        foreach (var character in byteCharacters)
            if (character.StartsWith(bytes, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Most tokens the row may have before its EOS (<see cref="SpellingConstraint.LengthLimit"/>; unbounded for prior samples).</summary>
    public int MaxTokens { get; }

    /// <summary>Tokens chosen so far.</summary>
    public int Tokens { get; private set; }

    /// <summary>The word being spelled.</summary>
    public WordState Word { get; private set; } = WordState.Between;

    /// <summary>A state with the same seed at the start of a row.</summary>
    internal RowSpelling Fresh() => new(seedWords, byteCharacters, MaxTokens);

    internal void Advance(WordState word)
    {
        Word = word;
        Tokens++;
    }

    /// <summary>
    /// Whether <paramref name="word"/> may end here: no word, an unchecked one, or a known word in a word's case (with a
    /// trailing apostrophe only after an s).
    /// </summary>
    internal bool MayEnd(Lexicon lexicon, WordState word)
    {
        if (word.Folded.Length == 0 || word.Free) return true;
        // A trailing apostrophe closes a plural possessive ("the wolves' den"), not a clipped word ("We’ know").
        if (word.Folded.EndsWith('\'') && !word.Folded.TrimEnd('\'').EndsWith('s')) return false;
        return Known(lexicon, word.Folded) && (word.Shape != CaseShape.Mixed || seedWords.Contains(word.Raw.TrimEnd('\'', '\u2019')));
    }

    /// <summary>Whether <paramref name="word"/> can still become a known word in a word's case.</summary>
    internal bool MayContinue(Lexicon lexicon, WordState word)
    {
        if (word.Free) return true;
        if (word.Shape == CaseShape.Mixed)
        {
            foreach (var seed in seedWords)
                if (seed.StartsWith(word.Raw, StringComparison.Ordinal)) return true;
            return false;
        }
        var prefix = word.Folded;
        if (lexicon.HasPrefix(prefix)) return true;
        // One apostrophe may follow a known word ("wolf'" → "wolf's"); a second only leads to an end no rule allows, and a
        // prior sample was seen filling its row with them.
        if (((prefix.EndsWith('\'') && !prefix.EndsWith("''", StringComparison.Ordinal)) || prefix.EndsWith("'s", StringComparison.Ordinal))
            && Known(lexicon, prefix)) return true;
        foreach (var seed in seedFolded)
            if (seed.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// Whether the folded <paramref name="word"/> (trailing apostrophes aside) is in the lexicon or the seed, or is the
    /// possessive ('s) of such a word.
    /// </summary>
    private bool Known(Lexicon lexicon, string word)
    {
        var trimmed = word.TrimEnd('\'');
        if (lexicon.Contains(trimmed) || seedFolded.Contains(trimmed)) return true;
        if (!trimmed.EndsWith("'s", StringComparison.Ordinal)) return false;
        var owner = trimmed[..^2];
        return lexicon.Contains(owner) || seedFolded.Contains(owner);
    }
}
