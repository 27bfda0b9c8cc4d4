using VaeCreative.Core.Modalities;

namespace VaeCreative.Core.Evaluation;

/// <summary>
/// How a modality judges its outputs against their seeds, for <see cref="VariationEvaluation"/>: a similarity
/// (related to the seed, but not a copy) and a cleanliness count (as clean as the seed: real words, the seed's palette).
/// A modality that offers these (<see cref="IModality"/>'s <c>VariationMeasures</c>) can be measured by
/// <c>eval --variations</c>.
/// </summary>
public interface IVariationMeasures
{
    /// <summary>Name of the similarity in reports, e.g. <c>chrf</c>.</summary>
    string SimilarityName { get; }

    /// <summary>Name of the cleanliness rate in reports, e.g. <c>word_rate</c>.</summary>
    string CleanName { get; }

    /// <summary>Similarity of <paramref name="output"/> to <paramref name="seed"/>, 0 (unrelated) to 1 (the same).</summary>
    double Similarity(Material output, Material seed);

    /// <summary>
    /// Clean units of <paramref name="output"/> (e.g. words from the dictionary or from <paramref name="seed"/>) and
    /// the units it has.
    /// </summary>
    (long Clean, long Total) Clean(Material output, Material seed);
}
