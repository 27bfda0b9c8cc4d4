using System.Globalization;
using System.Text;

namespace VaeCreative.Core.Attributes;

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

    /// <summary>The table the melody-2bar card shows (models/melody-2bar/README.md, "Steering: attribute vectors"): per attribute, its own change at each strength, the largest other swing, and the two checks.</summary>
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
