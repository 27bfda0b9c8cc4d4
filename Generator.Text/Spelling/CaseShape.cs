namespace VaeCreative.Text.Spelling;

/// <summary>The case a word reads in so far.</summary>
public enum CaseShape
{
    /// <summary>No cased letter yet.</summary>
    None,

    /// <summary>One upper-case letter (the start of a capitalised or an upper-case word).</summary>
    Capital,

    /// <summary>Lower case throughout.</summary>
    Lower,

    /// <summary>A capital, then lower case.</summary>
    Title,

    /// <summary>Upper case throughout (two letters or more).</summary>
    Upper,

    /// <summary>Any other mix ("mirAcLes"): only as the seed spells it.</summary>
    Mixed,
}
