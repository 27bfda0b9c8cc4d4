using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Core.Models;

/// <summary>
/// Picks one token per row from logits with caller-supplied uniforms, by inverse CDF: a row's token is the first
/// whose cumulative probability reaches u × (total mass). One uniform per row and step, whatever the vocabulary
/// (per-token noise would be 3 MB per row at 20k tokens and 32 steps), so a row's output depends only on its own
/// noise, temperature and nucleus — never on which rows share the batch.
/// </summary>
public static class TokenSampler
{
    /// <summary>Smallest temperature divided by; rows at temperature 0 take the argmax instead.</summary>
    private const double MinTemperature = 1e-6;

    /// <summary>
    /// Token ids [rows] for <paramref name="logits"/> [rows, vocab]. <paramref name="uniform"/> [rows] in [0, 1);
    /// <paramref name="temperatures"/> [rows] (0 = argmax); <paramref name="topP"/> [rows] in (0, 1] or null for
    /// no nucleus (sampling from only the most likely tokens holding that much probability).
    /// </summary>
    public static Tensor Sample(Tensor logits, Tensor uniform, Tensor temperatures, Tensor? topP)
    {
        using var scope = NewDisposeScope();
        using var minTemperature = MinTemperature.ToScalar();
        var vocabulary = logits.shape[1];
        using var last = (vocabulary - 1).ToScalar();
        var scores = logits.to(ScalarType.Float32);
        var greedy = scores.argmax(-1);
        var t = temperatures.to(ScalarType.Float32);
        var probabilities = F.softmax(scores.div(t.clamp_min(minTemperature).unsqueeze(1)), -1);
        var u = uniform.to(ScalarType.Float32);
        var sampled = InverseCdf(probabilities, u, last);
        if (topP is not null)
        {
            // Sorted descending, a token stays in the nucleus while the mass before it is below p (the first always stays).
            var (sorted, indices) = probabilities.sort(-1, descending: true);
            var before = sorted.cumsum(-1).sub(sorted); // sub(Tensor) passes no alpha Scalar
            var p = topP.to(ScalarType.Float32);
            var nucleus = sorted.mul(before.lt(p.unsqueeze(1)).to(ScalarType.Float32));
            var inNucleus = indices.gather(1, InverseCdf(nucleus, u, last).unsqueeze(1)).squeeze(1);
            // Rows without a nucleus (p = 1) sample in vocabulary order, exactly as when no row has one: a row's token
            // must not depend on whether another request in its batch asked for top-p.
            using var one = 1.0.ToScalar();
            sampled = where(p.ge(one), sampled, inNucleus);
        }
        using var zero = 0.0.ToScalar();
        var result = where(t.le(zero), greedy, sampled);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Per row, the first position whose cumulative mass reaches u × the row's total.</summary>
    private static Tensor InverseCdf(Tensor probabilities, Tensor uniform, Scalar last)
    {
        var cumulative = probabilities.cumsum(-1);
        var target = uniform.mul(cumulative.select(1, probabilities.shape[1] - 1)).unsqueeze(1);
        return cumulative.lt(target).sum(-1).clamp_max(last);
    }
}
