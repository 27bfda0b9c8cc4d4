using VaeCreative.Core.Variation;

namespace VaeCreative.Audio.Melodies;

/// <summary>One request of <see cref="MelodyGenerator.VaryMany(IReadOnlyList{MelodyVariationRequest}, IProgress{double})"/>.</summary>
/// <param name="Seed">The melody to vary.</param>
/// <param name="Options">How many variations and how.</param>
/// <param name="Bars">Vary only these bars and keep the rest as it is (null: the whole melody).</param>
public sealed record MelodyVariationRequest(Melody Seed, VaryOptions Options, BarRange? Bars = null);
