using static TorchSharp.torch;

namespace VaeCreative.Core.Variation;

/// <summary>One request of <see cref="VariationEngine.InterpolateBatch"/>.</summary>
/// <param name="From">Start as [chunks, …].</param>
/// <param name="To">End as [chunks, …] (same chunk count).</param>
/// <param name="Steps">Points including both ends (2–<see cref="GenerationLimits.MaxCount"/>).</param>
/// <param name="Temperature">Decoding temperature (0 is argmax).</param>
/// <param name="Rng">Seed of this request's own random generator.</param>
/// <param name="TopP">Nucleus mass for token decoders (1 = whole distribution).</param>
public sealed record InterpolationRequest(Tensor From, Tensor To, int Steps, double Temperature, long Rng, double TopP = 1.0);
