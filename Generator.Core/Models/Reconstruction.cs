using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>Reconstruction terms for a batch.</summary>
/// <param name="Nll">Per-example negative log-likelihood in nats, shape [batch].</param>
/// <param name="Correct">Number of correctly predicted elements (teacher forced), or null for continuous outputs.</param>
/// <param name="Total">Number of predicted elements, or null for continuous outputs.</param>
public sealed record Reconstruction(Tensor Nll, long? Correct, long? Total);
