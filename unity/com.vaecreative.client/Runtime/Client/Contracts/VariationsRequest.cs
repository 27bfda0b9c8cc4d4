#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>Body of <c>POST /v1/models/{id}/variations</c>.</summary>
    public sealed class VariationsRequest
    {
        /// <summary>The material to vary.</summary>
        public Material? Seed { get; set; }

        /// <summary>Variations wanted. Absent: 8; range 1 to the host's per-request limit (64 by default).</summary>
        public int? Count { get; set; }

        /// <summary>1 keeps the seed's latent code, 0 ignores it. Absent: 0.75; range 0–1.</summary>
        public double? Similarity { get; set; }

        /// <summary>
        /// Attribute steering, name → strength in multiples of the model's attribute vector (e.g. <c>{"density": 1, "register": -0.5}</c>).
        /// Absent: none; strengths ±8; names are the model's (melody models: density, register, range, syncopation, stepwise, rests).
        /// </summary>
        public System.Collections.Generic.Dictionary<string, double>? Attributes { get; set; }

        /// <summary>Decoding temperature, 0 = most likely output. Absent: 0.5; range 0–10.</summary>
        public double? Temperature { get; set; }

        /// <summary>Nucleus sampling: only the most likely tokens holding this much probability. Absent: 1 (off); range (0, 1].</summary>
        public double? TopP { get; set; }

        /// <summary>Random seed: the same request with the same rng gives the same outputs. Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>Caller's id for this request, echoed back (and in <c>X-Request-Id</c>); the host makes one when absent.</summary>
        public string? RequestId { get; set; }

        /// <summary>Give up (HTTP 504) when the work has not started within this many milliseconds. Default: the host's limit.</summary>
        public int? TimeoutMs { get; set; }

        /// <summary>
        /// Also return each output's previews under its <c>previews</c> (melody models: a WAV rendering and a piano-roll
        /// PNG). Absent: false. A host without a synthesiser answers 503 <c>preview-unavailable</c>.
        /// </summary>
        public bool? Preview { get; set; }
    }
}
