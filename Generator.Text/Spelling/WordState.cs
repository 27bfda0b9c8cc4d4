using System.Text;

namespace VaeCreative.Text.Spelling;

/// <summary>
/// The word a row is spelling: as written (<see cref="Raw"/>), folded (<see cref="Folded"/>, <see cref="Lexicon.Fold"/>),
/// the case it reads in so far, whether it is left unchecked (<see cref="Free"/>: a byte piece fell in it), and the
/// bytes of a character not finished yet (<see cref="Pending"/>).
/// </summary>
public readonly record struct WordState(string Raw, string Folded, CaseShape Shape, bool Free)
{
    /// <summary>The bytes of a character begun in byte pieces and not finished (one char per byte); empty otherwise.</summary>
    public string Pending { get; init; } = "";

    /// <summary>Between words.</summary>
    public static WordState Between { get; } = new("", "", CaseShape.None, false);

    /// <summary>The word with <paramref name="rune"/> (a letter, mark or inner apostrophe) added.</summary>
    public WordState Append(Rune rune)
    {
        var apostrophe = rune.Value == '\u2019';
        var folded = apostrophe ? "'" : Rune.ToLowerInvariant(rune).ToString();
        return this with { Raw = Raw + rune.ToString(), Folded = Folded + folded, Shape = Next(Shape, rune) };
    }

    /// <summary>The case after one more rune: the first cased letter sets it, later ones keep it or make it mixed.</summary>
    private static CaseShape Next(CaseShape shape, Rune rune)
    {
        var upper = Rune.IsUpper(rune);
        if (!upper && !Rune.IsLower(rune)) return shape;
        return (shape, upper) switch
        {
            (CaseShape.None, true) => CaseShape.Capital,
            (CaseShape.None, false) => CaseShape.Lower,
            (CaseShape.Capital, true) => CaseShape.Upper,
            (CaseShape.Capital, false) => CaseShape.Title,
            (CaseShape.Lower or CaseShape.Title, false) => shape,
            (CaseShape.Upper, true) => CaseShape.Upper,
            _ => CaseShape.Mixed,
        };
    }
}
