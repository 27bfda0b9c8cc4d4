using TorchSharp;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Core.Models;

/// <summary>
/// A model stored in another tool's format (a diffusers VAE folder, a single <c>.safetensors</c> file) that a modality
/// can load as one of its models: <c>--model PATH</c> and the host take such a path as they take a model directory.
/// Registered with <see cref="ModelKindRegistry.AddForeignFormat"/>, so Core, host and CLI stay modality-free.
/// </summary>
public interface IForeignModelFormat
{
    /// <summary>The format's name in messages (<c>diffusers AutoencoderKL</c>).</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="path"/> (a file or a folder without our manifest) looks like this format; cheap, reads at most a small file.</summary>
    bool Recognises(string path);

    /// <summary>
    /// The manifest <see cref="Load"/> would give, read without loading the weights where the format allows (a host lists
    /// such models beside its own). Throws <see cref="ModelLoadException"/> as <see cref="Load"/>.
    /// </summary>
    ModelManifest Describe(string path);

    /// <summary>
    /// The model at <paramref name="path"/> on <paramref name="device"/>, with a manifest describing it as one of ours
    /// (not written anywhere). Throws <see cref="ModelLoadException"/> with what is wrong.
    /// </summary>
    (IVaeModel Model, ModelManifest Manifest) Load(string path, torch.Device device);
}
