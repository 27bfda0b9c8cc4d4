using VaeCreative.Core.Modalities;

namespace VaeCreative.Text.Generation;

/// <summary>
/// A snippet read and tokenised for a text model: one model row per piece. A seed longer than the model's width is
/// cut into pieces at sentence ends (then at white space) and each piece is varied on its own, the way a long melody
/// is varied window by window.
/// </summary>
public sealed class TextSeed : PreparedSeed
{
    internal TextSeed(string text, IReadOnlyList<string> pieces, IReadOnlyList<string> separators, IReadOnlyList<int> tokens, long[] rows, long maxOutputBytes)
    {
        MaxOutputBytes = maxOutputBytes;
        Text = text;
        Pieces = pieces;
        Separators = separators;
        Tokens = tokens;
        ModelRows = rows;
    }

    /// <inheritdoc />
    public override int Rows => Pieces.Count;

    /// <inheritdoc />
    /// <remarks>Every token position of every piece holding the tokenizer's longest piece, plus the separators.</remarks>
    public override long MaxOutputBytes { get; }

    /// <summary>The snippet, in NFC.</summary>
    public string Text { get; }

    /// <summary>The pieces each varied on their own: the snippet itself when it fits the model.</summary>
    public IReadOnlyList<string> Pieces { get; }

    /// <summary>What stood between piece k and k + 1 in the snippet (its white space, or nothing): one fewer than the pieces.</summary>
    public IReadOnlyList<string> Separators { get; }

    /// <summary>The token ids of all pieces, in order (without the beginning and end tokens).</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>The model rows, one per piece (BOS, tokens, EOS, padded to the model's width), concatenated.</summary>
    internal long[] ModelRows { get; }

    /// <summary>
    /// Joins one text per piece (or per first pieces) with the seed's separators. Where the seed had none (pieces of Chinese or Japanese cut at
    /// a full stop) but the texts meet in letters of a script written with spaces, a space goes between them.
    /// </summary>
    public string Join(IReadOnlyList<string> pieceTexts)
    {
        ArgumentNullException.ThrowIfNull(pieceTexts);
        if (pieceTexts.Count < 1 || pieceTexts.Count > Pieces.Count)
            throw new ArgumentException($"one text per piece is needed (1 to {Pieces.Count}, for the first pieces); got {pieceTexts.Count}.", nameof(pieceTexts));
        var text = new System.Text.StringBuilder(pieceTexts[0]);
        for (var k = 1; k < pieceTexts.Count; k++)
        {
            var separator = Separators[k - 1];
            if (separator.Length == 0 && text.Length > 0 && pieceTexts[k].Length > 0 && !WrittenWithoutSpaces(text[^1]) && !WrittenWithoutSpaces(pieceTexts[k][0]))
                separator = " ";
            text.Append(separator).Append(pieceTexts[k]);
        }
        return text.ToString();
    }

    /// <summary>Characters of scripts and forms written without spaces between words: CJK, kana, full-width forms, Thai, Lao.</summary>
    private static bool WrittenWithoutSpaces(char c) =>
        c is (>= '\u2E80' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF00' and <= '\uFFEF') or (>= '\u0E00' and <= '\u0EFF')
        || char.IsSurrogate(c); // astral CJK ideographs (and emoji, which need no space either)
}
