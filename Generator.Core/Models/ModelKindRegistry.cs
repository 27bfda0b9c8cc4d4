using System.Text.Json.Nodes;

namespace VaeCreative.Core.Models;

/// <summary>
/// Model kinds by manifest name (<c>sequence-vae</c>, <c>span-latent-vae</c>, …): how to build an untrained model from
/// its manifest settings. A registry rather than a switch, so a modality brings its own kinds and Core knows none: each
/// modality's registration adds them (<c>AddMelody()</c> adds the sequence kinds, <c>AddImage()</c> the image kinds).
/// </summary>
public sealed class ModelKindRegistry
{
    private readonly Dictionary<string, Func<JsonObject, IVaeModel>> kinds = new(StringComparer.Ordinal);

    /// <summary>Names of the registered kinds.</summary>
    public IReadOnlyCollection<string> Names => kinds.Keys;

    /// <summary>Whether <paramref name="kind"/> is registered.</summary>
    public bool Contains(string kind) => kinds.ContainsKey(kind);

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
