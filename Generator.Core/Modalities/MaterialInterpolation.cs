using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Modalities;

/// <summary>One interpolation request.</summary>
public sealed record MaterialInterpolation(PreparedSeed From, PreparedSeed To, InterpolateOptions Options);
