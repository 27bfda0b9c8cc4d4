using System.Globalization;

namespace VaeCreative.Core.Training;

/// <summary>What <see cref="WarmStart.Apply"/> copied.</summary>
/// <param name="Source">The model directory the parameters came from.</param>
/// <param name="Parameters">Names of the parameter tensors copied.</param>
/// <param name="Weights">Scalars copied.</param>
/// <param name="TotalWeights">Scalars in the target model.</param>
public sealed record WarmStartSummary(string Source, IReadOnlyList<string> Parameters, long Weights, long TotalWeights)
{
    /// <summary>One line for the run's log.</summary>
    public override string ToString()
    {
        var modules = Parameters.Select(WarmStart.ModuleOf).Distinct(StringComparer.Ordinal);
        return string.Create(CultureInfo.InvariantCulture,
            $"warm start from {Source}: {Weights:N0} of {TotalWeights:N0} weights ({string.Join(", ", modules)})");
    }
}
