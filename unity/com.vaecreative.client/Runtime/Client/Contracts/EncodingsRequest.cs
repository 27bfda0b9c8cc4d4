#nullable enable
namespace VaeCreative.Client.Contracts
{
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
}
