namespace VaeCreative.Core.Training;

/// <summary>What <see cref="CorpusFolder.List"/> found.</summary>
/// <param name="Files">The listed files, in ordinal order of their paths, as paths under the folder as it was given.</param>
/// <param name="Skipped">Entries the options' <see cref="CorpusListOptions.Skip"/> passed over, with its reasons, in ordinal order.</param>
/// <param name="Unreadable">Folders that could not be listed, with the error, in ordinal order (their contents are left out).</param>
public sealed record CorpusListing(IReadOnlyList<string> Files, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<SkippedFile> Unreadable);
