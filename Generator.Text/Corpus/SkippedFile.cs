namespace VaeCreative.Text.Corpus;

/// <summary>A file or folder a corpus did not read, and why (<c>not UTF-8 text: …</c>, <c>a symbolic link</c>).</summary>
/// <param name="Path">Its path.</param>
/// <param name="Reason">Why it was skipped, in the user's terms.</param>
public sealed record SkippedFile(string Path, string Reason);
