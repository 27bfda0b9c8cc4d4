namespace VaeCreative.Core.Augmentation;

/// <summary>A seed file an augmentation could not vary, and why (in the modality's words).</summary>
/// <param name="Path">The file, relative to the seed folder, with '/' separators.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedFile(string Path, string Reason);
