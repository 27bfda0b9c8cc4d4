using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Text.Evaluation;

/// <summary>
/// Text's measures for <c>eval --variations</c>: similarity is <see cref="ChrF"/> of an output against its seed, and a
/// word is clean when it is in the dictionary (<see cref="WordList"/>) or in the seed (a name the seed brought in is
/// not an invented word).
/// </summary>
public sealed class TextVariationMeasures(WordList dictionary) : IVariationMeasures
{
    /// <inheritdoc />
    public string SimilarityName => "chrf";

    /// <inheritdoc />
    public string CleanName => "word_rate";

    /// <inheritdoc />
    public double Similarity(Material output, Material seed) => ChrF.Score(TextOf(output), TextOf(seed));

    /// <inheritdoc />
    public (long Clean, long Total) Clean(Material output, Material seed)
    {
        var seedWords = WordList.Words(TextOf(seed)).Select(w => w.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        long clean = 0, total = 0;
        foreach (var word in WordList.Words(TextOf(output)))
        {
            total++;
            if (seedWords.Contains(word.ToLowerInvariant()) || dictionary.Contains(word)) clean++;
        }
        return (clean, total);
    }

    private static string TextOf(Material m) => m.Text ?? throw new ArgumentException($"text measures take text; got {m.MediaType}.");
}
