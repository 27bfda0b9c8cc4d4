using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Evaluation;

/// <summary>
/// The latent-space figures of <see cref="LatentEvaluation"/> from the posteriors of all evaluated examples
/// (float64 tensors of shape [examples, latent] on the CPU).
/// </summary>
internal static class LatentStatistics
{
    // Cells of the [z rows, examples] log-density matrix held at once (32 MiB of float64).
    private const long MaxCells = 1L << 22;

    /// <summary>
    /// He et al.'s (2019) estimate of I(x; z) under q: E_x E_q(z|x) log q(z|x) − E_x E_q(z|x) log q(z), with the first
    /// term analytic and the second from one sample z_j ~ q(z|x_j) per example, where q(z) = (1/N) Σ_i q(z|x_i) over
    /// all N examples (the sample's own example included).
    /// </summary>
    public static double MutualInformation(Tensor mean, Tensor logVariance, Tensor z)
    {
        using var scope = NewDisposeScope();
        using var half = 0.5.ToScalar();
        using var one = 1.0.ToScalar();
        using var two = 2.0.ToScalar();
        var n = mean.shape[0];
        // The −D/2 log 2π of both terms cancel and are left out.
        // E_q(z|x) log q(z|x) = −½ Σ_d (1 + log σ²_d).
        var negativeEntropy = logVariance.add(one, Scalars.One).sum(1).mul(half).mean().item<double>() * -1;
        // log q(z_j|x_i) = −½ [Σ_d (z_jd − μ_id)² / σ²_id + Σ_d log σ²_id], expanded so that the [j, i] matrix is
        // three matrix products: z² · (1/σ²)ᵀ − 2 z · (μ/σ²)ᵀ + (Σ μ²/σ² + Σ log σ²). Float64 keeps the expansion exact
        // enough where σ is small (the terms reach 1/σ² before they cancel).
        var precision = logVariance.neg().exp();
        var meanOverVariance = mean.mul(precision);
        var perExample = mean.mul(meanOverVariance).sum(1).add(logVariance.sum(1), Scalars.One).unsqueeze(0);
        var precisionT = precision.t();
        var meanOverVarianceT = meanOverVariance.t();
        var rowsPerChunk = Math.Max(1, MaxCells / n);
        double sumLogMixture = 0;
        for (long start = 0; start < n; start += rowsPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            var zc = z.narrow(0, start, Math.Min(rowsPerChunk, n - start));
            var quadratic = zc.mul(zc).mm(precisionT).sub(zc.mm(meanOverVarianceT).mul(two)).add(perExample, Scalars.One);
            sumLogMixture += quadratic.mul(half).neg().logsumexp(1).sum().item<double>();
        }
        var logAggregate = sumLogMixture / n - Math.Log(n);
        return negativeEntropy - logAggregate;
    }

    /// <summary>Per dimension, the unbiased variance over examples of the posterior mean; zeros for one example.</summary>
    public static double[] PosteriorMeanVariances(Tensor mean)
    {
        if (mean.shape[0] < 2) return new double[mean.shape[1]];
        using var variances = mean.var(0, unbiased: true);
        return variances.data<double>().ToArray();
    }
}
