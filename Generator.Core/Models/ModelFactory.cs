using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Core.Models;

/// <summary>Builds a model of a named kind from its manifest settings.</summary>
public static class ModelFactory
{
    /// <summary>Creates an untrained model of <paramref name="kind"/> with <paramref name="settings"/>.</summary>
    public static IVaeModel Create(string kind, JsonObject settings) => kind switch
    {
        "sequence-vae" => new SequenceVae(ModelManifest.FromJsonObject<SequenceVaeOptions>(settings)),
        "conv-vae" => new ConvVae(ModelManifest.FromJsonObject<ConvVaeOptions>(settings)),
        _ => throw new NotSupportedException($"unknown model kind '{kind}'"),
    };
}
