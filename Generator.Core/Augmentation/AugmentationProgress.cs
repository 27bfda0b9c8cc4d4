namespace VaeCreative.Core.Augmentation;

/// <summary>How far a folder augmentation has got, reported after every batch.</summary>
/// <param name="FilesDone">Seed files finished in this run (varied or skipped).</param>
/// <param name="FilesTotal">Seed files this run has to do (those done by an earlier run are not counted).</param>
/// <param name="OutputsWritten">Output files written in this run.</param>
/// <param name="Skipped">Seed files skipped in this run because they could not be read.</param>
public sealed record AugmentationProgress(int FilesDone, int FilesTotal, int OutputsWritten, int Skipped);
