namespace VaeCreative.Core.Variation;

/// <summary>Where a variation's code is drawn around its seed's posterior N(μ, σ²).</summary>
public enum VariationNeighbourhood
{
    /// <summary>
    /// slerp(μ, ε, 1 − similarity), ε ~ N(0, I): along the great circle from the seed's mean to a prior draw. Suits a
    /// global code whose posterior is wide (a few nats): the prior is the seed's neighbourhood.
    /// </summary>
    PriorSlerp,

    /// <summary>
    /// μ + spread × (1 − similarity) × σ ⊙ ε: noise scaled by the seed's own posterior, so the parts the encoder is sure
    /// of (a rare word) stay and the uncertain ones move. Suits codes that carry much (one per span): a prior draw is
    /// far outside such a narrow posterior.
    /// </summary>
    PosteriorNoise,
}
