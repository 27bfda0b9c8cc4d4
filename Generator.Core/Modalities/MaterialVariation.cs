using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Modalities;

/// <summary>One variation request: a prepared seed and its settings.</summary>
public sealed record MaterialVariation(PreparedSeed Seed, VaryOptions Options);
