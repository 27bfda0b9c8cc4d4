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

    /// <summary>Names of the further figures <see cref="Figures"/> gives, e.g. <c>rgb_error</c>; none by default.</summary>
    IReadOnlyList<string> FigureNames => [];

    /// <summary>
    /// Further figures of <paramref name="output"/> against <paramref name="seed"/>, in <see cref="FigureNames"/>' order;
    /// NaN where a figure does not apply to this pair. The evaluation averages each over the reconstructions and over
    /// the variations it applies to, and reports them as <c>reconstruction_NAME</c> and <c>variation_NAME</c>.
    /// </summary>
    IReadOnlyList<double> Figures(Material output, Material seed) => [];
}
