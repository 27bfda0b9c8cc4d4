using System.Runtime.CompilerServices;
using VaeCreative.Core.Serving;

namespace VaeCreative.Core.Modalities;

/// <summary>The registered modalities, found by name, by file extension or from a loaded model's manifest.</summary>
public sealed class ModalityRegistry
{
    private readonly Dictionary<string, IModality> byName = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<LoadedModel, IMaterialGenerator> generators = new();

    /// <summary>Creates the registry; two modalities with one name are an error.</summary>
    public ModalityRegistry(IEnumerable<IModality> modalities)
    {
        foreach (var m in modalities)
            if (!byName.TryAdd(m.Name, m)) throw new ArgumentException($"modality '{m.Name}' is registered twice.");
        All = byName.Values.ToList();
    }

    /// <summary>All modalities, in registration order.</summary>
    public IReadOnlyList<IModality> All { get; }

    /// <summary>Names of the registered modalities, for messages.</summary>
    public string Names => string.Join(", ", All.Select(m => m.Name));

    /// <summary>The modality called <paramref name="name"/>; <see cref="UnknownModalityException"/> when none is.</summary>
    public IModality Get(string name) =>
        byName.TryGetValue(name, out var m) ? m : throw new UnknownModalityException($"no modality '{name}' in this build; available: {Names}.");

    /// <summary>The modality whose formats include <paramref name="path"/>'s extension, or null.</summary>
    public IModality? ForFile(string path) => All.FirstOrDefault(m => m.Formats.Any(f => f.Matches(path)));

    /// <summary>The modality of <paramref name="model"/>'s manifest.</summary>
    public IModality Of(LoadedModel model) =>
        byName.TryGetValue(model.Manifest.Modality, out var m)
            ? m
            : throw new Checkpoints.ModelLoadException($"the model in '{model.Directory}' is a {model.Manifest.Modality} model; this build generates {Names}.");

    /// <summary>The generator for <paramref name="model"/> (opened once per loaded model).</summary>
    public IMaterialGenerator Generator(LoadedModel model)
    {
        if (generators.TryGetValue(model, out var g)) return g;
        var opened = Of(model).Open(model);
        return generators.GetValue(model, _ => opened);
    }
}
