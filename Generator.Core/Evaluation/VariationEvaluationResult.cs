namespace VaeCreative.Core.Evaluation;

/// <summary>What <see cref="VariationEvaluation"/> measured over a set of seeds.</summary>
/// <param name="Seeds">Seeds measured.</param>
/// <param name="Reconstruction">Mean similarity of each seed's reconstruction (decoded from its posterior mean, temperature 0) to the seed.</param>
/// <param name="ToSeed">Mean similarity of a variation to its own seed.</param>
/// <param name="ToUnrelated">Mean similarity of a variation to an unrelated seed (the next seed in the set).</param>
/// <param name="CleanRate">Clean units of all variations over their units (see <see cref="IVariationMeasures.Clean"/>).</param>
/// <param name="ReconstructionCleanRate">The same over the reconstructions.</param>
/// <param name="DistinctPerSeed">Mean count of distinct variations per seed (out of the count asked for).</param>
/// <param name="Count">Variations asked for per seed.</param>
/// <param name="LatencyMsP50">Median time of one seed's variations, in milliseconds, from the seed's material to the outputs (one request at a time, the seed not encoded before).</param>
/// <param name="LatencyMsP90">The 90th percentile of the same times (nearest rank): the seeds whose copies were drawn again show here.</param>
/// <param name="Curve">Similarity of variations to their seed at each measured similarity setting, in order.</param>
/// <param name="Examples">The first seeds with their reconstruction and variations, for people to read.</param>
/// <param name="Figures">The measures' further figures (<see cref="IVariationMeasures.Figures"/>), averaged: <c>reconstruction_NAME</c> and <c>variation_NAME</c>; empty when there are none.</param>
public sealed record VariationEvaluationResult(
    int Seeds,
    double Reconstruction,
    double ToSeed,
    double ToUnrelated,
    double CleanRate,
    double ReconstructionCleanRate,
    double DistinctPerSeed,
    int Count,
    double LatencyMsP50,
    double LatencyMsP90,
    IReadOnlyList<(double Similarity, double ToSeed)> Curve,
    IReadOnlyList<VariationExample> Examples,
    IReadOnlyDictionary<string, double> Figures);
