using VaeCreative.Core.Variation;

namespace VaeCreative.Audio.Melodies;

/// <summary>One request of <see cref="MelodyGenerator.InterpolateMany(IReadOnlyList{MelodyInterpolationRequest}, IProgress{double})"/>.</summary>
/// <param name="From">Start melody.</param>
/// <param name="To">End melody.</param>
/// <param name="Options">Steps, temperature, rng.</param>
public sealed record MelodyInterpolationRequest(Melody From, Melody To, InterpolateOptions Options);
