#nullable enable
namespace VaeCreative.Client.Contracts
{
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
}
