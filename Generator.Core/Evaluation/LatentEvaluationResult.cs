namespace VaeCreative.Core.Evaluation;

/// <summary>
/// Held-out figures of a VAE, the columns of Bowman et al.'s (2016) and He et al.'s (2019) tables. Nats are per
/// example (mean over examples) unless named otherwise.
/// </summary>
/// <param name="Examples">Examples evaluated.</param>
/// <param name="Elements">Predicted elements (tokens, end of sequence included) over all examples, or null for continuous outputs.</param>
/// <param name="ImportanceSamples">Samples per example behind <paramref name="NllNats"/>.</param>
/// <param name="NllNats">Importance-weighted bound on −log p(x) (Burda et al. 2016), nats per example.</param>
/// <param name="Perplexity">exp(Σ NLL / <paramref name="Elements"/>), or null for continuous outputs.</param>
/// <param name="KlNats">Analytic KL(q(z|x) ‖ N(0, I)), nats per example.</param>
/// <param name="ElboNats">−ELBO: the mean over the same samples of −log p(x|z), plus the analytic KL; nats per example.</param>
/// <param name="MutualInformationNats">Estimate of I(x; z) under q (see <see cref="LatentEvaluation"/>).</param>
/// <param name="ActiveUnits">Latent dimensions whose posterior mean varies over examples by at least <paramref name="ActiveUnitThreshold"/>.</param>
/// <param name="ActiveUnitThreshold">The variance threshold behind <paramref name="ActiveUnits"/>.</param>
/// <param name="ReconstructionAccuracy">Teacher-forced per-element accuracy at z = μ, or null for continuous outputs.</param>
/// <param name="PosteriorMeanVariances">Per latent dimension, the variance over examples of the posterior mean (unbiased; zeros for one example).</param>
public sealed record LatentEvaluationResult(
    int Examples,
    long? Elements,
    int ImportanceSamples,
    double NllNats,
    double? Perplexity,
    double KlNats,
    double ElboNats,
    double MutualInformationNats,
    int ActiveUnits,
    double ActiveUnitThreshold,
    double? ReconstructionAccuracy,
    IReadOnlyList<double> PosteriorMeanVariances);
