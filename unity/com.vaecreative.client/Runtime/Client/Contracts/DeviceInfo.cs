#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>A device the host runs models on.</summary>
    public sealed class DeviceInfo
    {
        /// <summary>"cpu" or "cuda".</summary>
        public string Type { get; set; } = "";

        /// <summary>Worker threads serving this device.</summary>
        public int Workers { get; set; }

        /// <summary>CPU threads libtorch uses.</summary>
        public int Threads { get; set; }

        /// <summary>Inference precision of served models: fp32 or bf16.</summary>
        public string Precision { get; set; } = "";
    }
}
