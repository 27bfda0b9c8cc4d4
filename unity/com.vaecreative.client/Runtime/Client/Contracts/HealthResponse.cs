#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary><c>GET /v1/health</c>.</summary>
    public sealed class HealthResponse
    {
        /// <summary>"ok" while the host accepts work, "stopping" during shutdown.</summary>
        public string Status { get; set; } = "";
    }
}
