namespace VaeCreative.Core.Variation;

/// <summary>One request of <see cref="VariationEngine.SampleBatch"/>.</summary>
/// <param name="Count">Samples wanted.</param>
/// <param name="Temperature">Decoding temperature (0 is argmax).</param>
/// <param name="Rng">Seed of this request's own random generator.</param>
/// <param name="TopP">Nucleus mass for token decoders (1 = whole distribution).</param>
public sealed record SampleRequest(int Count, double Temperature, long Rng, double TopP = 1.0);
