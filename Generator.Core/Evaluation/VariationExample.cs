namespace VaeCreative.Core.Evaluation;

/// <summary>One seed as the evaluation saw it.</summary>
public sealed record VariationExample(string Seed, string Reconstruction, IReadOnlyList<string> Variations);
