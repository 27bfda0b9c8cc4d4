using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// <c>manifest.json</c> of a model directory: what the weights are (modality, encoding, model sizes),
/// how they were trained, how well they do, and with which library versions.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The only format tag this version writes and reads.</summary>
    public const string FormatTag = "vaecreative-model";

    /// <summary>Current manifest version.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Always <see cref="FormatTag"/>.</summary>
    public string Format { get; init; } = FormatTag;

    /// <summary>Manifest version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The modality, e.g. <c>melody</c>.</summary>
    public required string Modality { get; init; }

    /// <summary>The model kind, e.g. <c>sequence-vae</c>.</summary>
    public required string ModelKind { get; init; }

    /// <summary>The model's hyper-parameters (shape depends on <see cref="ModelKind"/>).</summary>
    public required JsonObject Model { get; init; }

    /// <summary>The modality's data encoding (shape depends on <see cref="Modality"/>).</summary>
    public required JsonObject Encoding { get; init; }

    /// <summary>Training settings and data description.</summary>
    public JsonObject? Training { get; init; }

    /// <summary>Final metrics (validation figures).</summary>
    public JsonObject? Metrics { get; init; }

    /// <summary>Library versions used to write the weights.</summary>
    public Dictionary<string, string> Versions { get; init; } = new();

    /// <summary>Weights file name inside the directory.</summary>
    public string WeightsFile { get; init; } = "model.weights";

    /// <summary>SHA-256 of the weights file (lower-case hex), checked on load.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>Parameter count.</summary>
    public long Parameters { get; init; }

    /// <summary>When the directory was written.</summary>
    public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;

    /// <summary>JSON options used for manifests (camelCase, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises any options record to a JSON object with manifest naming.</summary>
    public static JsonObject ToJsonObject<T>(T value) =>
        JsonSerializer.SerializeToNode(value, JsonOptions)!.AsObject();

    /// <summary>Reads an options record back from a JSON object.</summary>
    public static T FromJsonObject<T>(JsonObject node) =>
        node.Deserialize<T>(JsonOptions) ?? throw new JsonException($"empty {typeof(T).Name}");
}
