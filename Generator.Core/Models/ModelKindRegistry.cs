using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Core.Models;

/// <summary>
/// Model kinds by manifest name (<c>sequence-vae</c>, <c>conv-vae</c>, and those modalities add): how to build an
/// untrained model from its manifest settings. A registry rather than a switch, so a modality brings its own kinds.
/// </summary>
public sealed class ModelKindRegistry
{
    private readonly Dictionary<string, Func<JsonObject, IVaeModel>> kinds = new(StringComparer.Ordinal);

    /// <summary>A registry holding the kinds Core defines.</summary>
    public ModelKindRegistry()
    {
        Add(SequenceVae.KindName, s => new SequenceVae(ModelManifest.FromJsonObject<SequenceVaeOptions>(s)));
        Add(ConvVae.KindName, s => new ConvVae(ModelManifest.FromJsonObject<ConvVaeOptions>(s)));
        Add(HierarchicalSequenceVae.KindName, s => new HierarchicalSequenceVae(ModelManifest.FromJsonObject<HierarchicalSequenceVaeOptions>(s)));
    }

    /// <summary>The registry with Core's kinds only (what code outside a service provider uses).</summary>
    public static ModelKindRegistry BuiltIn { get; } = new();

    /// <summary>Names of the registered kinds.</summary>
    public IReadOnlyCollection<string> Names => kinds.Keys;

    /// <summary>Registers <paramref name="kind"/>; registering the same name twice is an error.</summary>
    public ModelKindRegistry Add(string kind, Func<JsonObject, IVaeModel> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (!kinds.TryAdd(kind, create)) throw new ArgumentException($"model kind '{kind}' is registered twice.", nameof(kind));
        return this;
    }

    /// <summary>Creates an untrained model of <paramref name="kind"/>; <see cref="NotSupportedException"/> for an unknown kind.</summary>
    public IVaeModel Create(string kind, JsonObject settings) =>
        kinds.TryGetValue(kind, out var create)
            ? create(settings)
            : throw new NotSupportedException($"unknown model kind '{kind}' (this build knows {string.Join(", ", kinds.Keys.Order(StringComparer.Ordinal))})");
}
