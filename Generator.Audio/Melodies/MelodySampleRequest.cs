using VaeCreative.Core.Variation;

namespace VaeCreative.Audio.Melodies;

/// <summary>One request of <see cref="MelodyGenerator.SampleMany(IReadOnlyList{MelodySampleRequest})"/>.</summary>
/// <param name="Options">Count, temperature, rng.</param>
/// <param name="TempoQpm">Tempo written into the melodies (<see cref="Melody.MinSampleTempoQpm"/>–<see cref="Melody.MaxSampleTempoQpm"/>).</param>
public sealed record MelodySampleRequest(SampleOptions Options, double TempoQpm = Melody.DefaultTempoQpm);
