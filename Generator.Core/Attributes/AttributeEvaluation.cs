using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Core.Attributes;

/// <summary>
/// What attribute vectors do on held-out material: each row's posterior mean is moved by strength × one attribute's
/// vector and decoded greedily, and every attribute is measured on the outputs. Changes are given against the seed
/// rows, in standard deviations of the attribute over the training data, so attributes in different units compare.
/// An attribute vector works when its own attribute moves monotonically with the strength and more than the others.
/// </summary>
public static class AttributeEvaluation
{
    /// <summary>The strengths of the published table.</summary>
    public static IReadOnlyList<double> DefaultStrengths { get; } = [-2, -1, 0, 1, 2];

    /// <summary>Runs the evaluation on up to <paramref name="maxExamples"/> rows of <paramref name="heldOut"/>.</summary>
    public static AttributeEvaluationResult Run(VariationEngine engine, ITrainingData heldOut, IAttributeMeasures measures, AttributeDirections directions,
        int maxExamples = 1000, IReadOnlyList<double>? strengths = null, int batchSize = 512)
    {
        strengths ??= DefaultStrengths;
        var rows = Math.Min(heldOut.Count, maxExamples);
        if (rows == 0) throw new TrainingDataException("no held-out examples to evaluate attribute vectors on.");
        var names = directions.Directions.Select(d => d.Attribute.Name).ToList();
        var sd = directions.Directions.Select(d => d.StdDev > 0 ? d.StdDev : 1).ToArray();
        var count = names.Count;
        // sums[moved][strength][measured], with the number of rows where both values exist.
        var sums = new double[count, strengths.Count, count];
        var counts = new int[count, strengths.Count, count];
        for (var start = 0; start < rows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(batchSize, rows - start)).ToArray();
            var batch = heldOut.Batch(indices, null);
            var seedValues = measures.Measure(batch);
            var (mean, _) = engine.Encode(batch);
            for (var a = 0; a < count; a++)
            {
                var vector = tensor(directions.Directions[a].Vector);
                for (var s = 0; s < strengths.Count; s++)
                {
                    using var inner = NewDisposeScope();
                    var outputs = engine.Decode(mean + vector * strengths[s], temperature: 0);
                    var outValues = measures.Measure(outputs);
                    for (var r = 0; r < indices.Length; r++)
                        for (var b = 0; b < count; b++)
                        {
                            var change = outValues[r][b] - seedValues[r][b];
                            if (double.IsNaN(change)) continue;
                            sums[a, s, b] += change / sd[b];
                            counts[a, s, b]++;
                        }
                }
            }
        }
        var changes = new double[count][][];
        for (var a = 0; a < count; a++)
        {
            changes[a] = new double[strengths.Count][];
            for (var s = 0; s < strengths.Count; s++)
                changes[a][s] = Enumerable.Range(0, count).Select(b => counts[a, s, b] == 0 ? double.NaN : sums[a, s, b] / counts[a, s, b]).ToArray();
        }
        return new AttributeEvaluationResult(names, strengths.ToList(), rows, changes);
    }
}
