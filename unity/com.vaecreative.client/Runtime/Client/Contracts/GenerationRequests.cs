// Copied from Generator.Client/Contracts/GenerationRequests.cs by scripts/unity-package.sh: edit that file and run the script.
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

    /// <summary>Body of <c>POST /v1/models/{id}/samples</c>.</summary>
    public sealed class SamplesRequest
    {
        /// <summary>Samples wanted. Absent: 8; range 1 to the host's per-request limit.</summary>
        public int? Count { get; set; }

        /// <summary>Decoding temperature. Absent: 0.5; range 0–10.</summary>
        public double? Temperature { get; set; }

        /// <summary>Nucleus mass. Absent: 1 (off); range (0, 1].</summary>
        public double? TopP { get; set; }

        /// <summary>Random seed. Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>Settings of the outputs that depend on the modality, e.g. melody models' <c>tempoQpm</c> (20–400, absent: 120).</summary>
        public System.Collections.Generic.Dictionary<string, string>? Properties { get; set; }

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

    /// <summary>Body of <c>POST /v1/models/{id}/encodings</c>: the answer's one output is the seed's latent file.</summary>
    public sealed class EncodingsRequest
    {
        /// <summary>The material to encode (image models).</summary>
        public Material? Seed { get; set; }

        /// <summary>Caller's id for this request, echoed back.</summary>
        public string? RequestId { get; set; }

        /// <summary>Give up when the work has not started within this many milliseconds.</summary>
        public int? TimeoutMs { get; set; }
    }

    /// <summary>Body of <c>POST /v1/models/{id}/decodings</c>: the answer holds one output per row of the latent.</summary>
    public sealed class DecodingsRequest
    {
        /// <summary>
        /// A latent file: <c>mediaType</c> <c>application/x-safetensors</c>, <c>data</c> the file (from an encoding, or
        /// ComfyUI's SaveLatent): <c>latent_tensor</c> [rows, channels, height, width] for image models.
        /// </summary>
        public Material? Latent { get; set; }

        /// <summary>Decoding temperature, 0 = each value's mode. Absent: 0; range 0–10.</summary>
        public double? Temperature { get; set; }

        /// <summary>Random seed (for a temperature above 0). Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>Caller's id for this request, echoed back.</summary>
        public string? RequestId { get; set; }

        /// <summary>Give up when the work has not started within this many milliseconds.</summary>
        public int? TimeoutMs { get; set; }
    }

    /// <summary>Answer to a generation request.</summary>
    public sealed class GenerationResponse
    {
        /// <summary>The request's id (the caller's, or one the host made).</summary>
        public string RequestId { get; set; } = "";

        /// <summary>Model that produced the outputs.</summary>
        public string Model { get; set; } = "";

        /// <summary>The outputs, in order.</summary>
        public System.Collections.Generic.List<Material> Outputs { get; set; } = new System.Collections.Generic.List<Material>();

        /// <summary>How many requests shared the model pass that served this one (1 = ran alone).</summary>
        public int BatchedRequests { get; set; }

        /// <summary>Milliseconds from arrival to answer, as the host measured them.</summary>
        public double ElapsedMs { get; set; }
    }
}
