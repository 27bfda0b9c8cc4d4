using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Core.Evaluation;

/// <summary>
/// Held-out figures of any <see cref="IVaeModel"/>, whatever its modality: importance-weighted NLL and perplexity,
/// KL, −ELBO, mutual information, active units and reconstruction accuracy.
/// </summary>
/// <remarks>
/// <para><b>NLL.</b> Per example, the importance-weighted bound of Burda et al. (2016),
/// −log (1/K Σ_k p(x|z_k) p(z_k) / q(z_k|x)) with z_k ~ q(z|x), K = <see cref="LatentEvaluationOptions.ImportanceSamples"/>.
/// It bounds −log p(x) from above and tightens as K grows. A model that ignores z (<see cref="IVaeModel.UsesLatent"/>
/// false; its posterior is the prior) gets K = 1: every weight is then p(x), so the figure is exact. p(z) is N(0, I); the log-weights and their log-sum-exp are
/// float64.</para>
/// <para><b>Mutual information.</b> The estimator of Hoffman &amp; Johnson (2016) as He et al. (2019) compute it
/// (their <c>calc_mi</c>): I = E_x E_q(z|x)[log q(z|x)] − E_x E_q(z|x)[log q(z)]. The first term is analytic,
/// −½ Σ_d (1 + log 2π + log σ²_d). For the second, each example x_j contributes one sample z_j ~ q(z|x_j) (its first
/// importance sample), and the aggregate posterior q(z) is approximated by the mixture (1/N) Σ_i q(z|x_i) over all N
/// evaluated examples, x_j's own posterior included. He et al. take the mixture over each minibatch instead, which
/// caps their figure near log(batch size); over N examples the cap is log N. Both terms are estimates: when I ≈ 0 (or
/// ≈ log N) the figure may fall slightly below 0 (above log N), by roughly √(D / 2N) nats for D latent dimensions.</para>
/// <para><b>Active units.</b> Burda et al. (2016): dimension d is active when the variance over examples of
/// E_q(z|x)[z_d] is at least <see cref="ActiveUnitThreshold"/> (unbiased variance, as in He et al.'s code).</para>
/// <para><b>Sampling.</b> Example i's samples come from a generator seeded with
/// <see cref="StableSeed.Derive"/>(seed, <see cref="SamplingStream"/>, i), drawn as one [K, latent] float64 standard
/// normal on the CPU; so figures are the same in every process and do not depend on batch or pass sizes beyond
/// float rounding inside the model.</para>
/// <para><b>Cost.</b> One encoder pass per example and K decoder passes, run as batched passes of up to
/// <see cref="LatentEvaluationOptions.RowsPerPass"/> (example, sample) rows.</para>
/// </remarks>
public static class LatentEvaluation
{
    /// <summary>Variance of the posterior mean over examples at or above which a latent dimension is active (Burda et al. 2016).</summary>
    public const double ActiveUnitThreshold = 0.01;

    /// <summary>The <see cref="StableSeed"/> stream of the importance samples.</summary>
    public const long SamplingStream = 0x1e5a;

    /// <summary>
    /// Evaluates <paramref name="model"/> on the first examples of <paramref name="data"/> (all, or
    /// <see cref="LatentEvaluationOptions.MaxExamples"/>), in order. The model runs in eval mode under inference mode;
    /// its train/eval mode is restored afterwards. <paramref name="progress"/> receives the number of examples done.
    /// </summary>
    public static LatentEvaluationResult Run(
        IVaeModel model,
        ITrainingData data,
        Device device,
        LatentEvaluationOptions options,
        IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var examples = Math.Min(data.Count, options.MaxExamples ?? int.MaxValue);
        if (examples <= 0) throw new ArgumentException("the evaluation set is empty.", nameof(data));
        var module = model.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            return Evaluate(model, data, examples, device, options, progress, cancellation);
        }
        finally
        {
            if (wasTraining) module.train();
        }
    }

    private static LatentEvaluationResult Evaluate(
        IVaeModel model, ITrainingData data, int examples, Device device, LatentEvaluationOptions options,
        IProgress<int>? progress, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        using var generator = new Generator(0, CPU);
        // Scalars held, not temporary: see Scalars.
        using var half = 0.5.ToScalar();
        var k = model.UsesLatent ? options.ImportanceSamples : 1;
        using var logK = Math.Log(k).ToScalar();

        var latent = model.LatentSize;
        var prior = model.Prior;
        using var logTwoPiTerm = (0.5 * latent * Math.Log(2 * Math.PI)).ToScalar();
        var means = zeros(examples, latent, dtype: ScalarType.Float64);
        var logVariances = zeros(examples, latent, dtype: ScalarType.Float64);
        var firstSamples = zeros(examples, latent, dtype: ScalarType.Float64);
        // Examples per sampling group: as many whole examples' samples as fit one pass, at least one example.
        var groupSize = Math.Max(1, options.RowsPerPass / k);
        double sumNll = 0, sumKl = 0, sumReconstruction = 0;
        long correct = 0, total = 0;
        var discrete = true;

        for (var batchStart = 0; batchStart < examples; batchStart += options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            var count = Math.Min(options.BatchSize, examples - batchStart);
            var input = data.Batch(Enumerable.Range(batchStart, count).ToArray(), null).to(device);
            var posterior = model.Encode(input);
            if (posterior.Mean.dim() < 2 || posterior.Mean.shape[0] != count || posterior.Mean[0].numel() != latent)
                throw new InvalidOperationException(
                    $"{model.Kind} encoded {count} examples to a posterior of shape [{string.Join(", ", posterior.Mean.shape)}]; expected [{count}, {string.Join(", ", model.LatentShape)}].");
            // A spatial latent's codes keep their shape for the model; the figures here see each example's code flat.
            var codeShape = posterior.Mean.shape[1..];
            var atMean = model.Reconstruct(input, posterior.Mean, ReconstructionSettings.TeacherForced);
            // A learned prior is conditioned on the posterior means here, as in training's validation.
            sumKl += model.Kl(input, posterior, posterior.Mean).to(ScalarType.Float64).sum().item<double>();
            if (atMean.Total is { } elements)
            {
                correct += atMean.Correct ?? 0;
                total += elements;
            }
            else
            {
                discrete = false;
            }

            var mean = posterior.Mean.flatten(1).to(ScalarType.Float64).cpu();
            var logVariance = posterior.LogVariance.flatten(1).to(ScalarType.Float64).cpu();
            means.narrow(0, batchStart, count).copy_(mean);
            logVariances.narrow(0, batchStart, count).copy_(logVariance);
            var std = logVariance.mul(half).exp();
            var halfLogVarianceSum = logVariance.sum(1).mul(half);

            for (var groupStart = 0; groupStart < count; groupStart += groupSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var groupScope = NewDisposeScope();
                var size = Math.Min(groupSize, count - groupStart);
                var rows = size * k;
                var draws = new Tensor[size];
                for (var e = 0; e < size; e++)
                {
                    generator.manual_seed(StableSeed.Derive(options.Seed, SamplingStream, batchStart + groupStart + e));
                    draws[e] = randn([k, latent], dtype: ScalarType.Float64, generator: generator);
                }
                var epsilon = size == 1 ? draws[0] : cat(draws, 0);
                var z = mean.narrow(0, groupStart, size).repeat_interleave(k, 0)
                    .add(std.narrow(0, groupStart, size).repeat_interleave(k, 0).mul(epsilon), Scalars.One);
                // log p(z) − log q(z|x) = log p(z) + ½‖ε‖² + ½ Σ_d log σ²_d + D/2 log 2π; under N(0, I),
                // −½‖z‖² + ½‖ε‖² + ½ Σ_d log σ²_d (the 2π terms cancel). A learned prior adds its log p(z) pass by pass.
                var logPriorOverPosterior = prior is null
                    ? epsilon.mul(epsilon).sum(1).sub(z.mul(z).sum(1)).mul(half)
                        .add(halfLogVarianceSum.narrow(0, groupStart, size).repeat_interleave(k, 0), Scalars.One)
                    : epsilon.mul(epsilon).sum(1).mul(half)
                        .add(halfLogVarianceSum.narrow(0, groupStart, size).repeat_interleave(k, 0), Scalars.One)
                        .add(logTwoPiTerm, Scalars.One);
                firstSamples.narrow(0, batchStart + groupStart, size).copy_(z.view(size, k, latent).select(1, 0));

                var zModel = z.view([rows, .. codeShape]).to(posterior.Mean.dtype).to(device);
                var nll = empty(rows, dtype: ScalarType.Float64);
                for (var rowStart = 0; rowStart < rows; rowStart += options.RowsPerPass)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var passScope = NewDisposeScope();
                    var passRows = Math.Min(options.RowsPerPass, rows - rowStart);
                    var exampleOfRow = new long[passRows];
                    for (var r = 0; r < passRows; r++) exampleOfRow[r] = groupStart + (rowStart + r) / k;
                    var rowInput = input.index_select(0, tensor(exampleOfRow, device: device));
                    var passZ = zModel.narrow(0, rowStart, passRows);
                    var reconstruction = model.Reconstruct(rowInput, passZ, ReconstructionSettings.TeacherForced);
                    nll.narrow(0, rowStart, passRows).copy_(reconstruction.Nll.to(ScalarType.Float64).cpu());
                    if (prior is not null)
                    {
                        // The same tensors as the reconstruction's: a model may reuse its decoder pass.
                        var logPrior = prior.LogDensity(rowInput, passZ).to(ScalarType.Float64).cpu();
                        logPriorOverPosterior.narrow(0, rowStart, passRows).add_(logPrior, Scalars.One);
                    }
                }

                // −log (1/K Σ_k w_k) = log K − logsumexp_k log w_k, with log w = log p(x|z) + log p(z) − log q(z|x).
                var bound = logPriorOverPosterior.sub(nll).view(size, k).logsumexp(1).neg().add(logK, Scalars.One);
                sumNll += bound.sum().item<double>();
                sumReconstruction += nll.sum().item<double>() / k;
                progress?.Report(batchStart + groupStart + size);
            }
        }

        var variances = LatentStatistics.PosteriorMeanVariances(means);
        var mutualInformation = LatentStatistics.MutualInformation(means, logVariances, firstSamples);
        long? totalElements = discrete ? total : null;
        return new LatentEvaluationResult(
            Examples: examples,
            Elements: totalElements,
            ImportanceSamples: k,
            NllNats: sumNll / examples,
            Perplexity: totalElements is > 0 ? Math.Exp(sumNll / totalElements.Value) : null,
            KlNats: sumKl / examples,
            ElboNats: (sumReconstruction + sumKl) / examples,
            MutualInformationNats: mutualInformation,
            ActiveUnits: variances.Count(v => v >= ActiveUnitThreshold),
            ActiveUnitThreshold: ActiveUnitThreshold,
            ReconstructionAccuracy: totalElements is > 0 ? (double)correct / totalElements.Value : null,
            PosteriorMeanVariances: variances);
    }
}
