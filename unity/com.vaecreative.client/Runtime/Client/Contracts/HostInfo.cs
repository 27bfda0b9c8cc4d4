#nullable enable
using System.Collections.Generic;

namespace VaeCreative.Client.Contracts
{
    /// <summary><c>GET /v1/info</c>.</summary>
    public sealed class HostInfo
    {
        /// <summary>VaeCreative version.</summary>
        public string Version { get; set; } = "";

        /// <summary>TorchSharp version.</summary>
        public string TorchSharp { get; set; } = "";

        /// <summary>What the host can do: variations, interpolations, samples, training.</summary>
        public List<string> Capabilities { get; set; } = new List<string>();

        /// <summary>Devices models run on.</summary>
        public List<DeviceInfo> Devices { get; set; } = new List<DeviceInfo>();

        /// <summary>The modalities this host serves and trains, with the media types of their material.</summary>
        public List<ModalityInfo> Modalities { get; set; } = new List<ModalityInfo>();

        /// <summary>Queue settings and counters.</summary>
        public QueueInfo Queue { get; set; } = new QueueInfo();

        /// <summary>Per-request limits.</summary>
        public LimitsInfo Limits { get; set; } = new LimitsInfo();

        /// <summary>The folders on the host's machine that jobs may write into and read from.</summary>
        public FoldersInfo Folders { get; set; } = new FoldersInfo();

        /// <summary>Tensors alive in the host process now (TorchSharp's count): flat over a long run means no tensor leak.</summary>
        public long LiveTensors { get; set; }

        /// <summary>Bytes the .NET garbage collector has committed: part of the host's resident memory (the rest is mostly libtorch's native heap).</summary>
        public long ManagedMemoryBytes { get; set; }
    }
}
