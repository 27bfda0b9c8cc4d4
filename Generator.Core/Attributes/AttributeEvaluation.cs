using System.Globalization;
using System.Text;
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

/// <summary>The outcome of <see cref="AttributeEvaluation.Run"/>.</summary>
/// <param name="Attributes">Attribute names.</param>
/// <param name="Strengths">Strengths tried.</param>
/// <param name="Examples">Held-out rows used.</param>
/// <param name="Changes">[moved attribute][strength][measured attribute]: mean change against the seed, in training standard deviations.</param>
public sealed record AttributeEvaluationResult(IReadOnlyList<string> Attributes, IReadOnlyList<double> Strengths, int Examples, double[][][] Changes)
{
    /// <summary>Whether moving attribute <paramref name="a"/> changes it monotonically (non-decreasing) with the strength.</summary>
    public bool Monotonic(int a) => Enumerable.Range(1, Strengths.Count - 1).All(s => Changes[a][s][a] >= Changes[a][s - 1][a]);

    /// <summary>The swing of attribute <paramref name="b"/> when <paramref name="a"/> moves from the lowest strength to the highest.</summary>
    public double Swing(int a, int b) => Changes[a][^1][b] - Changes[a][0][b];

    /// <summary>Whether the intended attribute swings more than any other (in absolute standard deviations).</summary>
    public bool MovesMost(int a) => Enumerable.Range(0, Attributes.Count).Where(b => b != a).All(b => Math.Abs(Swing(a, b)) < Math.Abs(Swing(a, a)));

    /// <summary>"+1.23", "-0.40", "0.00": rounded first, so a tiny negative is not printed as "-0.00".</summary>
    private static string Signed(double value) => Math.Round(value, 2).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);

    /// <summary>The table README shows: per attribute, its own change at each strength, the largest other swing, and the two checks.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var s = Strengths.Select(x => x.ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture)).ToList();
        text.AppendLine($"| attribute moved | {string.Join(" | ", s.Select(x => $"Δ own at {x}"))} | largest other swing ({s[0]}→{s[^1]}) | monotonic | moves most |");
        text.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---|", s.Count))}---|---|---|");
        for (var a = 0; a < Attributes.Count; a++)
        {
            var others = Enumerable.Range(0, Attributes.Count).Where(b => b != a).OrderByDescending(b => Math.Abs(Swing(a, b))).First();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Attributes[a]} | {string.Join(" | ", Enumerable.Range(0, Strengths.Count).Select(k => Signed(Changes[a][k][a])))} | {Attributes[others]} {Signed(Swing(a, others))} (own {Signed(Swing(a, a))}) | {(Monotonic(a) ? "yes" : "no")} | {(MovesMost(a) ? "yes" : "no")} |"));
        }
        return text.ToString();
    }
}
