#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>Body of <c>POST /v1/models/{id}/interpolations</c>.</summary>
    public sealed class InterpolationsRequest
    {
        /// <summary>Start material.</summary>
        public Material? From { get; set; }

        /// <summary>End material.</summary>
        public Material? To { get; set; }

        /// <summary>Points including both ends. Absent: 5; range 2 to the host's per-request limit.</summary>
        public int? Steps { get; set; }

        /// <summary>Decoding temperature. Absent: 0; range 0–10.</summary>
        public double? Temperature { get; set; }

        /// <summary>Nucleus mass. Absent: 1 (off); range (0, 1].</summary>
        public double? TopP { get; set; }

        /// <summary>Random seed. Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>Caller's id for this request, echoed back.</summary>
        public string? RequestId { get; set; }

        /// <summary>Give up when the work has not started within this many milliseconds.</summary>
        public int? TimeoutMs { get; set; }

        /// <summary>
        /// Also return each output's previews under its <c>previews</c> (melody models: a WAV rendering and a piano-roll
        /// PNG). Absent: false. A host without a synthesiser answers 503 <c>preview-unavailable</c>.
        /// </summary>
        public bool? Preview { get; set; }
    }
}
