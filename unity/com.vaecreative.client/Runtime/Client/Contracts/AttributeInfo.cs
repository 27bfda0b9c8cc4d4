#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>An attribute direction of a model: a name a variations request steers by, and what it measures.</summary>
    public sealed class AttributeInfo
    {
        /// <summary>The name, e.g. <c>density</c>.</summary>
        public string Name { get; set; } = "";

        /// <summary>What the attribute measures, e.g. "note onsets per bar of 4/4 (16 steps)"; null when the model's file gives none.</summary>
        public string? Description { get; set; }

        /// <summary>Largest strength a request may give, either way (a strength of 1 moves a code by one full vector).</summary>
        public double MaxStrength { get; set; }
    }
}
