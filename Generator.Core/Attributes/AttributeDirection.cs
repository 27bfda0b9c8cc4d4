namespace VaeCreative.Core.Attributes;

/// <summary>One attribute's direction in latent space and the statistics it was computed from.</summary>
/// <param name="Attribute">The attribute.</param>
/// <param name="Vector">Mean latent code of the training rows in the attribute's top quarter minus that of its bottom quarter.</param>
/// <param name="Low">Mean attribute value of the bottom quarter.</param>
/// <param name="High">Mean attribute value of the top quarter.</param>
/// <param name="Mean">Mean over all measured rows.</param>
/// <param name="StdDev">Standard deviation over all measured rows (the unit changes are reported in).</param>
/// <param name="Examples">Rows the attribute was measured on.</param>
public sealed record AttributeDirection(LatentAttribute Attribute, float[] Vector, double Low, double High, double Mean, double StdDev, int Examples);
