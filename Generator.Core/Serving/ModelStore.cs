using System.Collections.Concurrent;
using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Serving;

/// <summary>Finds model directories, loads each once per precision and shares it (thread-safe).</summary>
public sealed class ModelStore : IDisposable
{
    private readonly ModelStoreOptions options;
    private readonly ModelKindRegistry kinds;
    private readonly ConcurrentDictionary<(string Path, InferencePrecision Precision), Lazy<LoadedModel>> loaded = new();

    /// <summary>Creates the store.</summary>
    public ModelStore(ModelStoreOptions options, ModelKindRegistry kinds)
    {
        this.options = options;
        this.kinds = kinds;
    }

    /// <summary>The model kinds this store can build.</summary>
    public ModelKindRegistry Kinds => kinds;

    /// <summary>The default model directory of <paramref name="modality"/>, or null when none is configured.</summary>
    public string? DefaultDirectory(string modality) =>
        options.DefaultModels.TryGetValue(modality, out var dir) ? dir : null;

    /// <summary>
    /// The directory <paramref name="model"/> names: a directory path, or the id of a model in the models folder
    /// (<c>melody-2bar</c>); null means <paramref name="modality"/>'s default. <see cref="ModelLoadException"/> when it names nothing.
    /// </summary>
    public string Resolve(string? model, string? modality = null)
    {
        if (model is null)
            return (modality is null ? null : DefaultDirectory(modality))
                   ?? throw new ModelLoadException(modality is null ? "no model given." : $"no default {modality} model is configured.");
        if (Directory.Exists(model)) return Path.GetFullPath(model);
        // Another tool's model file (a single .safetensors VAE) that a modality loads.
        if (File.Exists(model) && kinds.ForeignFormatOf(model) is not null) return Path.GetFullPath(model);
        var looksLikeId = model.Length > 0 && model.IndexOfAny(['/', '\\']) < 0 && model != "." && model != "..";
        if (looksLikeId && options.ModelsDirectory is { } folder && Directory.Exists(Path.Combine(folder, model)))
            return Path.GetFullPath(Path.Combine(folder, model));
        var ids = options.ModelsDirectory is { } f && Directory.Exists(f)
            ? Directory.EnumerateDirectories(f).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
        throw new ModelLoadException(looksLikeId && ids.Count > 0
            ? $"no model '{model}': not a directory, and not one of the bundled models ({string.Join(", ", ids)})."
            : $"model directory '{model}' does not exist.");
    }

    /// <summary>The model in <paramref name="directory"/>, loaded once per precision.</summary>
    public LoadedModel Get(string directory, InferencePrecision precision = InferencePrecision.Float32)
    {
        var key = (Path.GetFullPath(directory), precision);
        var lazy = loaded.GetOrAdd(key, k => new Lazy<LoadedModel>(() => Load(k.Path, k.Precision), LazyThreadSafetyMode.ExecutionAndPublication));
        try { return lazy.Value; }
        catch
        {
            loaded.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>
    /// The model <paramref name="model"/> names (see <see cref="Resolve"/>), which must be a <paramref name="modality"/> model.
    /// </summary>
    public LoadedModel Get(string? model, string modality, InferencePrecision precision = InferencePrecision.Float32)
    {
        var loadedModel = Get(Resolve(model, modality), precision);
        if (loadedModel.Manifest.Modality != modality)
            throw new ModelLoadException($"the model in '{loadedModel.Directory}' is a {loadedModel.Manifest.Modality} model; this needs a {modality} model.");
        return loadedModel;
    }

    private LoadedModel Load(string directory, InferencePrecision precision)
    {
        TorchRuntime.EnsureLoaded();
        var device = options.Device ?? TorchRuntime.DefaultDevice;
        var foreign = File.Exists(Path.Combine(directory, ModelDirectory.ManifestFile)) ? null : kinds.ForeignFormatOf(directory);
        var (model, manifest) = foreign is not null ? foreign.Load(directory, device) : ModelDirectory.Load(directory, device, kinds);
        if (precision == InferencePrecision.BFloat16) model.Module.to(torch.ScalarType.BFloat16);
        return new LoadedModel(directory, model, manifest, new VariationEngine(model, device), precision);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in loaded.Values)
            if (lazy.IsValueCreated)
            {
                lazy.Value.Engine.Dispose();
                lazy.Value.Model.Dispose();
            }
        loaded.Clear();
    }
}
