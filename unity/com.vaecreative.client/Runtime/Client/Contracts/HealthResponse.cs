// Copied from Generator.Client/Contracts/HealthResponse.cs by scripts/unity-package.sh: edit that file and run the script.
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
