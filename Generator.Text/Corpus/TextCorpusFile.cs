namespace VaeCreative.Text.Corpus;

/// <summary>A file read into a <see cref="TextCorpus"/>.</summary>
/// <param name="Path">The file's path (as listed under the corpus path given).</param>
/// <param name="Format">How its snippets were read.</param>
/// <param name="Snippets">Snippets it gave (after long ones were split).</param>
/// <param name="Validation">How many of them are held out.</param>
public sealed record TextCorpusFile(string Path, TextFormat Format, int Snippets, int Validation);
