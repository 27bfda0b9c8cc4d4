#nullable enable
using System.Collections.Generic;

namespace VaeCreative.Client.Contracts
{
    /// <summary>A modality the host serves.</summary>
    public sealed class ModalityInfo
    {
        /// <summary>melody, text, …</summary>
        public string Name { get; set; } = "";

        /// <summary>Media types of its material, the one its outputs use first (audio/midi, text/plain, …).</summary>
        public List<string> MediaTypes { get; set; } = new List<string>();

        /// <summary>Id of its bundled default model.</summary>
        public string DefaultModel { get; set; } = "";

        /// <summary>
        /// Media types of the previews a request with <c>preview: true</c> gets under each output (melody: audio/wav and
        /// image/png); empty when its models have none (such a request is then a 400).
        /// </summary>
        public List<string> PreviewMediaTypes { get; set; } = new List<string>();

        /// <summary>The decoding temperature variations and samples use when a request gives none (images: 0; the others 0.5).</summary>
        public double DefaultTemperature { get; set; }
    }
}
