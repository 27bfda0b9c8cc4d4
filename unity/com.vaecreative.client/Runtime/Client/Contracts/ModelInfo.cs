#nullable enable
using System.Collections.Generic;
using System.Text.Json;

namespace VaeCreative.Client.Contracts
{
    /// <summary>One entry of <c>GET /v1/models</c>.</summary>
    public sealed class ModelInfo
    {
        /// <summary>Id used in URLs (the model folder's name).</summary>
        public string Id { get; set; } = "";

        /// <summary>melody, text, image …</summary>
        public string Modality { get; set; } = "";

        /// <summary>Network family, e.g. sequence-vae.</summary>
        public string Kind { get; set; } = "";

        /// <summary>Whether this is the modality's default model.</summary>
        public bool Default { get; set; }

        /// <summary>Sizes: parameters, latent, steps, vocabulary …</summary>
        public Dictionary<string, long> Sizes { get; set; } = new Dictionary<string, long>();

        /// <summary>Held-out metrics from the manifest.</summary>
        public JsonElement? Metrics { get; set; }

        /// <summary>
        /// The attribute directions a variations request may steer along (its <c>attributes</c> names), in the model's
        /// order; empty when the model has none (its folder holds no <c>attributes.json</c>).
        /// </summary>
        public List<AttributeInfo> Attributes { get; set; } = new List<AttributeInfo>();
    }
}
