using VaeCreative.Core.Training;

namespace VaeCreative.Core.Augmentation;

/// <summary>What one run of a folder augmentation did.</summary>
/// <param name="FilesVaried">Seed files varied in this run.</param>
/// <param name="OutputsWritten">Output files written in this run.</param>
/// <param name="AlreadyDone">Seed files whose outputs an earlier run had written (left as they are).</param>
/// <param name="Skipped">Seed files that could not be read, with the reason.</param>
/// <param name="Ignored">Files of other types, by extension (lower case, "" for none), with their number.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record AugmentationResult(int FilesVaried, int OutputsWritten, int AlreadyDone, IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyDictionary<string, int> Ignored, TimeSpan Elapsed);
