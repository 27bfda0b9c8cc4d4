namespace VaeCreative.Text.Corpus;

/// <summary>How a text file holds its snippets.</summary>
public enum TextFormat
{
    /// <summary>One snippet per non-empty line.</summary>
    Plain,

    /// <summary>
    /// A fortune file (the <c>fortune</c> program's format): snippets separated by lines that are exactly <c>%</c>;
    /// a snippet's hard line wraps are joined with single spaces.
    /// </summary>
    Fortune,
}
