using TorchSharp;

namespace VaeCreative.Core.Serving;

/// <summary>Where models live and which device they load onto.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Folder whose subfolders are models that <c>--model ID</c> names (the bundled models by default).</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Default model directory per modality (e.g. <c>melody</c> → the bundled 2-bar model).</summary>
    public Dictionary<string, string> DefaultModels { get; } = new(StringComparer.Ordinal);

    /// <summary>Device for loaded models; null picks CUDA when available, else CPU.</summary>
    public torch.Device? Device { get; set; }
}
