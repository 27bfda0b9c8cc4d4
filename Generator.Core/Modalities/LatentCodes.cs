using System.Globalization;
using TorchSharp;
using VaeCreative.Core.Checkpoints;
using static TorchSharp.torch;

namespace VaeCreative.Core.Modalities;

/// <summary>
/// A seed's latent codes: the posterior mean and standard deviation of each of its rows ([rows, ..code shape]), with
/// what the modality needs to decode them as the seed was (an image's size), saved as a safetensors file by
/// <c>vaecreative encode</c> and read by <c>vaecreative decode</c>.
/// </summary>
/// <remarks>
/// The file holds <c>latent_tensor</c> (μ, as the model gives it: not multiplied by a diffusion model's scaling factor,
/// which the metadata records) and <c>latent_std</c> (σ), float32, and the empty <c>latent_format_version_0</c> that
/// tells ComfyUI's <c>LoadLatent</c> the latent is unscaled, so a Stable Diffusion VAE's latents load there too.
/// Metadata: <c>format</c> (<see cref="FormatTag"/>), <c>modality</c>, <c>model</c>, and the modality's properties.
/// </remarks>
public sealed record LatentCodes(Tensor Mean, Tensor StdDev, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The metadata <c>format</c> of our latent files.</summary>
    public const string FormatTag = "vaecreative-latent";

    /// <summary>Tensor names in the file.</summary>
    public const string MeanName = "latent_tensor", StdDevName = "latent_std", ComfyMarker = "latent_format_version_0";

    /// <summary>Metadata keys the file itself uses (properties may not take them).</summary>
    public const string FormatKey = "format", ModalityKey = "modality", ModelKey = "model";

    /// <summary>Media type of a latent file in a request or answer: a safetensors file.</summary>
    public const string MediaType = "application/x-safetensors";

    /// <summary>Writes the codes to <paramref name="path"/> (atomically), naming the <paramref name="modality"/> and <paramref name="model"/> that made them.</summary>
    public void Write(string path, string modality, string model)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(modality, model);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The latent file's bytes, naming the <paramref name="modality"/> and <paramref name="model"/> that made the codes.</summary>
    public byte[] ToBytes(string modality, string model)
    {
        var metadata = new Dictionary<string, string>(Properties, StringComparer.Ordinal)
        {
            [FormatKey] = FormatTag,
            [ModalityKey] = modality,
            [ModelKey] = model,
        };
        using var scope = NewDisposeScope();
        return SafeTensors.Serialize(new Dictionary<string, Tensor>
        {
            [MeanName] = Mean.to(ScalarType.Float32),
            [StdDevName] = StdDev.to(ScalarType.Float32),
            [ComfyMarker] = empty(0, dtype: ScalarType.Float32),
        }, metadata);
    }

    /// <summary>
    /// The codes in <paramref name="path"/>, with the modality and model that wrote them (null where the file does not
    /// say: a latent from another tool, such as ComfyUI's <c>SaveLatent</c>, which has μ alone; σ is then 0).
    /// Throws <see cref="ModelLoadException"/> for a file that holds no latent.
    /// </summary>
    public static (LatentCodes Codes, string? Modality, string? Model) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new ModelLoadException($"latent file '{path}' does not exist.");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>The codes in a latent file's <paramref name="bytes"/> (<paramref name="source"/> names it in messages), as <see cref="Read"/>.</summary>
    public static (LatentCodes Codes, string? Modality, string? Model) FromBytes(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var (tensors, metadata) = SafeTensors.Parse(bytes, source);
        if (!tensors.TryGetValue(MeanName, out var mean) || mean.dim() < 2 || mean.numel() == 0 || !mean.is_floating_point())
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new ModelLoadException($"'{source}' holds no '{MeanName}' of floating-point codes [rows, …]: it is not a latent file (vaecreative encode and ComfyUI's SaveLatent write one).");
        }
        var stdDev = tensors.TryGetValue(StdDevName, out var s) && s.shape.SequenceEqual(mean.shape) ? s : zeros_like(mean);
        foreach (var t in tensors.Values)
            if (!ReferenceEquals(t, mean) && !ReferenceEquals(t, stdDev)) t.Dispose();
        mean = mean.to(ScalarType.Float32);
        if (!tensors.ContainsKey(ComfyMarker) && !metadata.ContainsKey(FormatKey))
        {
            // ComfyUI's files without the marker hold latents multiplied by Stable Diffusion 1.x's 0.18215.
            using var factor = (1.0 / 0.18215).ToScalar();
            mean = mean.mul(factor);
        }
        if (!mean.isfinite().all().item<bool>()) throw new ModelLoadException($"'{source}' holds codes that are not finite numbers.");
        var properties = metadata.Where(m => m.Key is not (FormatKey or ModalityKey or ModelKey)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        return (new LatentCodes(mean, stdDev.to(ScalarType.Float32), properties), metadata.GetValueOrDefault(ModalityKey), metadata.GetValueOrDefault(ModelKey));
    }

    /// <summary>A whole-number property, or null when absent or not a positive whole number.</summary>
    public int? IntProperty(string key) =>
        Properties.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
