#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>Per-request limits.</summary>
    public sealed class LimitsInfo
    {
        /// <summary>Largest request body, bytes.</summary>
        public long MaxBodyBytes { get; set; }

        /// <summary>Most outputs per request.</summary>
        public int MaxCount { get; set; }

        /// <summary>Default deadline for a request to start, ms.</summary>
        public int DefaultTimeoutMs { get; set; }

        /// <summary>Outputs per seed when a variations request gives no count.</summary>
        public int DefaultCount { get; set; }

        /// <summary>Similarity when a variations request gives none (1 keeps the seed's latent code, 0 ignores it).</summary>
        public double DefaultSimilarity { get; set; }
    }
}
