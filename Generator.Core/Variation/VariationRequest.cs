using static TorchSharp.torch;

namespace VaeCreative.Core.Variation;

/// <summary>One request of <see cref="VariationEngine.VaryBatch"/>.</summary>
/// <param name="Seed">The seed as [chunks, …].</param>
/// <param name="Count">Variations wanted (1–<see cref="GenerationLimits.MaxCount"/>).</param>
/// <param name="Similarity">1 keeps the seed's mean, 0 is a fresh prior draw.</param>
/// <param name="Temperature">Decoding temperature (0 is argmax).</param>
/// <param name="Rng">Seed of this request's own random generator.</param>
/// <param name="TopP">Nucleus mass for token decoders (1 = whole distribution).</param>
/// <param name="Shift">Added to every code before decoding (attribute vectors, <see cref="Attributes.AttributeDirections.Shift"/>); null for none.</param>
public sealed record VariationRequest(Tensor Seed, int Count, double Similarity, double Temperature, long Rng, double TopP = 1.0, float[]? Shift = null);
