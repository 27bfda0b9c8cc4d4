namespace VaeCreative.Core.Training;

/// <summary>
/// A file or folder that was not read, and why, in the user's terms (<c>a symbolic link</c>, <c>cannot be listed (…)</c>,
/// <c>not UTF-8 text: …</c>): what a corpus listing, a corpus and an augmentation report.
/// </summary>
/// <param name="Path">Its path (an augmentation's: relative to the seed folder, with '/' separators).</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedFile(string Path, string Reason);
