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

    /// <summary>Formats of other tools this registry's modalities load (<see cref="IForeignModelFormat"/>).</summary>
    public IReadOnlyList<IForeignModelFormat> ForeignFormats => foreignFormats;

    private readonly List<IForeignModelFormat> foreignFormats = [];

    /// <summary>Registers a format of another tool that loads as one of this registry's models.</summary>
    public ModelKindRegistry AddForeignFormat(IForeignModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        foreignFormats.Add(format);
        return this;
    }

    /// <summary>The registered format that recognises <paramref name="path"/>, or null.</summary>
    public IForeignModelFormat? ForeignFormatOf(string path) => foreignFormats.FirstOrDefault(f => f.Recognises(path));

    /// <summary>Creates an untrained model of <paramref name="kind"/>; <see cref="NotSupportedException"/> for an unknown kind.</summary>
    public IVaeModel Create(string kind, JsonObject settings) =>
        kinds.TryGetValue(kind, out var create)
            ? create(settings)
            : throw new NotSupportedException($"unknown model kind '{kind}' (this build knows {string.Join(", ", kinds.Keys.Order(StringComparer.Ordinal))})");
}
