using System.Collections.Concurrent;
using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Serving;

/// <summary>Where default models live and which device models load onto.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Default model directory per modality (e.g. <c>melody</c> → the bundled 2-bar model).</summary>
    public Dictionary<string, string> DefaultModels { get; } = new(StringComparer.Ordinal);

    /// <summary>Device for loaded models; null picks CUDA when available, else CPU.</summary>
    public torch.Device? Device { get; set; }
}

/// <summary>Floating-point precision for inference.</summary>
public enum InferencePrecision
{
    /// <summary>float32, as trained.</summary>
    Float32,

    /// <summary>bfloat16 weights and activations: faster on CPUs with AVX-512 BF16 (and on GPUs); check accuracy with <c>eval --precision bf16</c>.</summary>
    BFloat16,
}

/// <summary>A model loaded from a directory, with its manifest and variation engine.</summary>
/// <param name="Directory">Full path of the model directory.</param>
/// <param name="Model">The network.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Engine">The variation engine over it.</param>
public sealed record LoadedModel(string Directory, IVaeModel Model, ModelManifest Manifest, VariationEngine Engine);

/// <summary>Loads model directories once and shares them (thread-safe).</summary>
public sealed class ModelStore : IDisposable
{
    private readonly ModelStoreOptions options;
    private readonly ConcurrentDictionary<(string Path, InferencePrecision Precision), Lazy<LoadedModel>> loaded = new();

    /// <summary>Creates the store.</summary>
    public ModelStore(ModelStoreOptions options) => this.options = options;

    /// <summary>The default model directory of <paramref name="modality"/>, or null when none is configured.</summary>
    public string? DefaultDirectory(string modality) =>
        options.DefaultModels.TryGetValue(modality, out var dir) ? dir : null;

    /// <summary>
    /// The model in <paramref name="directory"/> (or the modality's default when null), which must be a
    /// <paramref name="modality"/> model.
    /// </summary>
    public LoadedModel Get(string? directory, string modality, InferencePrecision precision = InferencePrecision.Float32)
    {
        directory ??= DefaultDirectory(modality)
            ?? throw new ModelLoadException($"no default {modality} model is configured; pass --model DIR.");
        var full = Path.GetFullPath(directory);
        var key = (full, precision);
        var lazy = loaded.GetOrAdd(key, k => new Lazy<LoadedModel>(() => Load(k.Path, k.Precision), LazyThreadSafetyMode.ExecutionAndPublication));
        LoadedModel model;
        try { model = lazy.Value; }
        catch
        {
            loaded.TryRemove(key, out _);
            throw;
        }
        if (model.Manifest.Modality != modality)
            throw new ModelLoadException($"the model in '{directory}' is a {model.Manifest.Modality} model; this needs a {modality} model.");
        return model;
    }

    private LoadedModel Load(string directory, InferencePrecision precision)
    {
        TorchRuntime.EnsureLoaded();
        var device = options.Device ?? TorchRuntime.DefaultDevice;
        var (model, manifest) = ModelDirectory.Load(directory, device);
        if (precision == InferencePrecision.BFloat16) model.Module.to(torch.ScalarType.BFloat16);
        return new LoadedModel(directory, model, manifest, new VariationEngine(model, device));
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
