namespace VaeCreative.Core.Modalities;

/// <summary>
/// Seed material that cannot be used: unreadable, empty, the wrong kind for the model, or over a limit. Every
/// modality's reading errors derive from it, so the host answers <c>bad-seed</c> (or <c>limit-exceeded</c>) and the
/// CLI prints one line without knowing the modality.
/// </summary>
public class MaterialException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in the user's terms (name the file or field).</param>
    /// <param name="overLimit">True when the material is well-formed but larger than a limit allows.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public MaterialException(string message, bool overLimit = false, Exception? inner = null) : base(message, inner) => OverLimit = overLimit;

    /// <summary>True when the material is over a size limit (the host answers <c>limit-exceeded</c>).</summary>
    public bool OverLimit { get; }

    /// <summary>
    /// A short machine-readable kind of refusal (e.g. <c>NoMelody</c>, <c>Damaged</c>), so tallies such as
    /// <c>vaecreative survey</c> can group refusals without knowing the modality's types; null where a modality gives none.
    /// </summary>
    public string? Kind { get; protected init; }
}
