namespace VaeCreative.Core.Attributes;

/// <summary>A measurable property of a modality's material that a latent direction can steer (a melody's note density, its register).</summary>
/// <param name="Name">Name on the command line and in requests, e.g. <c>density</c>.</param>
/// <param name="Description">What it measures, with its unit.</param>
public sealed record LatentAttribute(string Name, string Description);
