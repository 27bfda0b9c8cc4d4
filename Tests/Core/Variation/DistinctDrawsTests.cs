using VaeCreative.Core.Variation;

namespace VaeCreative.Tests.Core.Variation;

public class DistinctDrawsTests
{
    /// <summary>A draw that hands out the next items of a fixed sequence per request, recording the counts asked for.</summary>
    private static Func<int[], int, List<string>[]> Sequence(string[][] perRequest, List<int[]> asked)
    {
        var next = new int[perRequest.Length];
        return (counts, _) =>
        {
            asked.Add(counts.ToArray());
            return counts.Select((c, i) => Enumerable.Range(0, c).Select(_ => perRequest[i][next[i]++]).ToList()).ToArray();
        };
    }

    [Fact]
    public void Copies_of_the_seed_repeats_and_unusable_outputs_are_drawn_again()
    {
        var asked = new List<int[]>();
        var results = DistinctDraws.Draw([3], ["seed"], Sequence([["a", "seed", "a", "", "b", "c"]], asked), s => s, s => s.Length == 0);
        Assert.Equal(["a", "c", "b"], results[0]); // redraws fill the places of the outputs they replace
        Assert.Equal([[3], [2], [1]], asked);
    }

    [Fact]
    public void Without_a_key_only_unusable_outputs_are_drawn_again_and_repeats_stay()
    {
        var asked = new List<int[]>();
        var results = DistinctDraws.Draw([4, 1], [null, null], Sequence([["x", "", "x", "y", "z"], ["w"]], asked), key: null, s => s.Length == 0);
        Assert.Equal(["x", "z", "x", "y"], results[0]);
        Assert.Equal(["w"], results[1]);
        Assert.Equal([[4, 1], [1, 0]], asked);
    }

    [Fact]
    public void A_model_that_only_copies_still_answers_after_the_last_redraw()
    {
        var asked = new List<int[]>();
        var results = DistinctDraws.Draw<string>([2], ["s"], (counts, _) =>
        {
            asked.Add(counts.ToArray());
            return [Enumerable.Repeat("s", counts[0]).ToList()];
        }, s => s);
        Assert.Equal(["s", "s"], results[0]);
        Assert.Equal(1 + DistinctDraws.MaxRedraws, asked.Count);
    }

    [Fact]
    public void AttemptSimilarity_moves_further_from_the_seed_each_attempt_but_never_moves_a_reconstruction()
    {
        Assert.Equal([0.75, 0.625, 0.5, 0.375, 0.25], Enumerable.Range(0, 5).Select(a => DistinctDraws.AttemptSimilarity(0.75, a)), new ToleranceComparer(1e-12));
        Assert.All(Enumerable.Range(0, DistinctDraws.MaxRedraws + 1), a => Assert.Equal(1.0, DistinctDraws.AttemptSimilarity(1.0, a)));
        Assert.Equal(0.0, DistinctDraws.AttemptSimilarity(0.5, DistinctDraws.MaxRedraws));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
