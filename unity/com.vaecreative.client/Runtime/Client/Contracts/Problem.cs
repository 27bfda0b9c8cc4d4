#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>RFC 7807 problem details as the host sends them.</summary>
    public sealed class Problem
    {
        /// <summary>Stable URI per cause, e.g. <c>urn:vaecreative:problem:unknown-model</c>.</summary>
        public string? Type { get; set; }

        /// <summary>Short summary of the cause.</summary>
        public string? Title { get; set; }

        /// <summary>HTTP status.</summary>
        public int? Status { get; set; }

        /// <summary>What exactly was wrong with this request.</summary>
        public string? Detail { get; set; }

        /// <summary>The request id, when the host had one.</summary>
        public string? RequestId { get; set; }
    }
}
