using System.Text;

namespace VaeCreative.Text.Evaluation;

/// <summary>
/// chrF (Popović 2015, "chrF: character n-gram F-score for automatic MT evaluation"): character n-gram precision and
/// recall of a hypothesis against a reference, each averaged over n = 1…<see cref="MaxOrder"/>, combined as an F-score
/// with β = 2 (recall counts twice). Runs of white space count as one space; characters are Unicode scalar values, so
/// a character outside the BMP is one character. Orders that one of the texts is too short for are left out of the
/// averages (as sacreBLEU does); two empty texts score 1.
/// </summary>
public static class ChrF
{
    /// <summary>Longest n-gram, 6 (the paper's and sacreBLEU's choice).</summary>
    public const int MaxOrder = 6;

    /// <summary>β, 2: recall weighs twice as much as precision.</summary>
    public const double Beta = 2;

    /// <summary>chrF of <paramref name="hypothesis"/> against <paramref name="reference"/>, 0–1.</summary>
    public static double Score(string hypothesis, string reference)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(reference);
        var hyp = Characters(hypothesis);
        var refs = Characters(reference);
        if (hyp.Length == 0 && refs.Length == 0) return 1;
        double precision = 0, recall = 0;
        var orders = 0;
        for (var n = 1; n <= MaxOrder; n++)
        {
            if (hyp.Length < n || refs.Length < n) break;
            var hypGrams = Grams(hyp, n);
            var refGrams = Grams(refs, n);
            long matches = 0;
            foreach (var (gram, count) in hypGrams)
                if (refGrams.TryGetValue(gram, out var other)) matches += Math.Min(count, other);
            precision += matches / (double)(hyp.Length - n + 1);
            recall += matches / (double)(refs.Length - n + 1);
            orders++;
        }
        if (orders == 0) return 0;
        precision /= orders;
        recall /= orders;
        if (precision + recall == 0) return 0;
        const double b2 = Beta * Beta;
        return (1 + b2) * precision * recall / (b2 * precision + recall);
    }

    /// <summary>The text's characters with each run of white space as one space and none at either end.</summary>
    private static int[] Characters(string text)
    {
        var result = new List<int>(text.Length);
        var space = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                space = result.Count > 0;
                continue;
            }
            if (space) result.Add(' ');
            space = false;
            result.Add(rune.Value);
        }
        return result.ToArray();
    }

    private static Dictionary<string, int> Grams(int[] characters, int n)
    {
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        for (var i = 0; i + n <= characters.Length; i++)
        {
            builder.Clear();
            for (var k = 0; k < n; k++) builder.Append(new Rune(characters[i + k]).ToString());
            var gram = builder.ToString();
            grams[gram] = grams.GetValueOrDefault(gram) + 1;
        }
        return grams;
    }
}
