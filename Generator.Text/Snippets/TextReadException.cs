using VaeCreative.Core.Modalities;

namespace VaeCreative.Text.Snippets;

/// <summary>
/// Text that cannot be used as a snippet: empty, over <see cref="SnippetText.MaxChars"/>, not valid UTF-8 or
/// UTF-16, or holding NUL characters. A <see cref="MaterialException"/>, so the host answers <c>bad-seed</c>
/// (<c>limit-exceeded</c> when <see cref="MaterialException.OverLimit"/>) and the CLI prints one line.
/// </summary>
public sealed class TextReadException : MaterialException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the field or file (<c>'seed' is empty</c>).</param>
    /// <param name="overLimit">True when the text is well-formed but longer than <see cref="SnippetText.MaxChars"/>.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public TextReadException(string message, bool overLimit = false, Exception? inner = null) : base(message, overLimit, inner) { }
}
