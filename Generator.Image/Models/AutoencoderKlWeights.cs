using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeCreative.Core.Checkpoints;
using static TorchSharp.torch;

namespace VaeCreative.Image.Models;

/// <summary>
/// Loads and saves <see cref="AutoencoderKl"/> weights in the formats Stable Diffusion users have: a diffusers folder
/// (<c>config.json</c> and <c>diffusion_pytorch_model.safetensors</c>), or one <c>.safetensors</c> file with diffusers'
/// names or the original latent-diffusion names (<c>encoder.down.0.block.0…</c>, as in <c>vae-ft-mse-840000</c>),
/// with or without a whole checkpoint's <c>first_stage_model.</c> prefix.
/// </summary>
/// <remarks>
/// Weights are read into fp32 whatever their file's dtype: fp16 Stable Diffusion VAEs overflow to NaN in their
/// decoders' last layers at fp16, which ComfyUI and AUTOMATIC1111 users hit most. A single file carries no config, so
/// its shape is read off the weights (<see cref="InferConfig"/>) with 32 norm groups, Stable Diffusion's.
/// </remarks>
public static partial class AutoencoderKlWeights
{
    /// <summary>The weights file of a diffusers folder.</summary>
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";

    /// <summary>The config file of a diffusers folder.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Norm groups of every Stable Diffusion VAE, assumed for a single file (which carries no config).</summary>
    public const int StableDiffusionGroups = 32;

    /// <summary>Whether <paramref name="path"/> looks like a Stable Diffusion VAE: a diffusers folder or a <c>.safetensors</c> file.</summary>
    public static bool IsCandidate(string path) =>
        Directory.Exists(path) ? File.Exists(Path.Combine(path, ConfigFile)) && File.Exists(Path.Combine(path, WeightsFile))
            : File.Exists(path) && path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>The VAE at <paramref name="path"/> (folder or file), in fp32 on the CPU, in evaluation mode.</summary>
    public static AutoencoderKl Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (folder, weightsPath) = WeightsPathOf(path);
        // Only the VAE's tensors are read: a whole Stable Diffusion checkpoint holds its UNet and text encoders too.
        var (raw, _) = SafeTensors.Read(weightsPath, IsVaeTensor);
        try
        {
            var weights = ToDiffusersNames(raw);
            var config = folder ? AutoencoderKlConfig.Read(Path.Combine(path, ConfigFile)) : InferConfig(Shapes(weights));
            var model = new AutoencoderKl(config);
            Assign(model, weights, weightsPath);
            model.eval();
            return model;
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
    }

    /// <summary>
    /// The shape of the VAE at <paramref name="path"/> and its parameter count, without reading its weights: a folder's
    /// config, or a single file's header (<see cref="InferConfig"/>).
    /// </summary>
    public static (AutoencoderKlConfig Config, long Parameters) Describe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (folder, weightsPath) = WeightsPathOf(path);
        var (header, _) = SafeTensors.ReadShapes(weightsPath);
        var shapes = Renamed(header.Where(e => IsVaeTensor(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            shape => shape.Length, shape => [shape[0], shape.Skip(1).Aggregate(1L, (a, b) => a * b)]);
        var config = folder ? AutoencoderKlConfig.Read(Path.Combine(path, ConfigFile)) : InferConfig(shapes);
        return (config, shapes.Values.Sum(shape => shape.Aggregate(1L, (a, b) => a * b)));
    }

    /// <summary>
    /// Saves <paramref name="model"/> as a diffusers folder at <paramref name="folder"/> (created; files written
    /// atomically), loadable by diffusers' <c>AutoencoderKL.from_pretrained</c> and by <see cref="Load"/>.
    /// </summary>
    public static void Save(AutoencoderKl model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        var c = model.Config;
        var config = new Dictionary<string, object?>
        {
            ["_class_name"] = "AutoencoderKL",
            ["in_channels"] = c.InChannels,
            ["out_channels"] = c.OutChannels,
            ["down_block_types"] = Enumerable.Repeat("DownEncoderBlock2D", c.BlockOutChannels.Length).ToArray(),
            ["up_block_types"] = Enumerable.Repeat("UpDecoderBlock2D", c.BlockOutChannels.Length).ToArray(),
            ["block_out_channels"] = c.BlockOutChannels,
            ["layers_per_block"] = c.LayersPerBlock,
            ["act_fn"] = c.ActFn,
            ["latent_channels"] = c.LatentChannels,
            ["norm_num_groups"] = c.NormNumGroups,
            ["scaling_factor"] = c.ScalingFactor,
            ["shift_factor"] = c.ShiftFactor,
            ["mid_block_add_attention"] = c.MidBlockAddAttention,
            ["use_quant_conv"] = c.UseQuantConv,
            ["use_post_quant_conv"] = c.UsePostQuantConv,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var tensors = model.state_dict().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        SafeTensors.Write(Path.Combine(folder, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>
    /// The shape of the VAE whose diffusers-named tensors have these shapes (<paramref name="weights"/>, by name): levels and their channels from
    /// the encoder's blocks, residual blocks per level, latent channels, the optional convolutions and attention. Norm
    /// groups cannot be read off weights: <see cref="StableDiffusionGroups"/>, and weights whose levels that does not
    /// divide are refused (<see cref="ModelLoadException"/>) rather than guessed at.
    /// </summary>
    public static AutoencoderKlConfig InferConfig(IReadOnlyDictionary<string, long[]> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var levels = new List<int>();
        while (weights.TryGetValue($"encoder.down_blocks.{levels.Count}.resnets.0.conv2.weight", out var conv)) levels.Add((int)conv[0]);
        if (levels.Count == 0 || !weights.TryGetValue("encoder.conv_in.weight", out var convIn) || !weights.TryGetValue("decoder.conv_out.weight", out var convOut)
            || !weights.TryGetValue("decoder.conv_in.weight", out var decoderIn))
            throw new ModelLoadException("these weights are not a Stable Diffusion VAE's (AutoencoderKL): no encoder.down_blocks / encoder.down… found.");
        var layers = 0;
        while (weights.ContainsKey($"encoder.down_blocks.0.resnets.{layers}.conv1.weight")) layers++;
        if (levels.Any(c => c % StableDiffusionGroups != 0))
            throw new ModelLoadException(
                $"these weights have levels of {string.Join(", ", levels)} channels, which Stable Diffusion's {StableDiffusionGroups} norm groups do not divide: a file alone does not say its groups; put it in a diffusers folder with its {ConfigFile}.");
        return new AutoencoderKlConfig
        {
            InChannels = (int)convIn[1],
            OutChannels = (int)convOut[0],
            BlockOutChannels = levels.ToArray(),
            LayersPerBlock = layers,
            LatentChannels = (int)decoderIn[1],
            NormNumGroups = StableDiffusionGroups,
            MidBlockAddAttention = weights.ContainsKey("encoder.mid_block.attentions.0.to_q.weight"),
            UseQuantConv = weights.ContainsKey("quant_conv.weight"),
            UsePostQuantConv = weights.ContainsKey("post_quant_conv.weight"),
        }.Validate();
    }

    /// <summary>
    /// <paramref name="weights"/> under diffusers' current names: the original latent-diffusion names and diffusers'
    /// older attention names (<c>query</c>, <c>key</c>, <c>value</c>, <c>proj_attn</c>) are renamed, and the original
    /// attention's 1×1 convolutions become linear weights; a <c>first_stage_model.</c> or <c>vae.</c> prefix is dropped
    /// (other parts of a whole checkpoint are left out). The tensors are shared, not copied.
    /// </summary>
    public static Dictionary<string, Tensor> ToDiffusersNames(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Renamed(weights, tensor => (int)tensor.dim(), tensor => tensor.flatten(1));
    }

    /// <summary>Whether <paramref name="path"/> is a folder, and its weights file, which must exist.</summary>
    private static (bool Folder, string WeightsPath) WeightsPathOf(string path)
    {
        var folder = Directory.Exists(path);
        var weightsPath = folder ? Path.Combine(path, WeightsFile) : path;
        if (!File.Exists(weightsPath))
            throw new ModelLoadException(folder ? $"'{path}' has no {WeightsFile}: a diffusers VAE folder holds {ConfigFile} and {WeightsFile}." : $"'{path}' does not exist.");
        return (folder, weightsPath);
    }

    /// <summary>The shapes of <paramref name="weights"/> by name.</summary>
    private static Dictionary<string, long[]> Shapes(IReadOnlyDictionary<string, Tensor> weights) =>
        weights.ToDictionary(w => w.Key, w => w.Value.shape, StringComparer.Ordinal);

    /// <summary>Whether a tensor of this name can belong to a VAE (under an optional whole checkpoint's prefix).</summary>
    private static bool IsVaeTensor(string name) => VaeTensor().IsMatch(name);

    /// <summary><see cref="ToDiffusersNames"/> for anything with a rank (tensors, or shapes), flattened by <paramref name="flatten"/>.</summary>
    private static Dictionary<string, T> Renamed<T>(IReadOnlyDictionary<string, T> weights, Func<T, int> rank, Func<T, T> flatten)
    {
        var prefix = new[] { "first_stage_model.", "vae." }.FirstOrDefault(p => weights.Keys.Any(k => k.StartsWith(p + "encoder.", StringComparison.Ordinal)));
        var levels = weights.Keys.Select(k => LdmDecoderLevel().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in weights)
        {
            if (prefix is not null && !key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = prefix is null ? key : key[prefix.Length..];
            if (!name.StartsWith("encoder.", StringComparison.Ordinal) && !name.StartsWith("decoder.", StringComparison.Ordinal)
                && !name.StartsWith("quant_conv.", StringComparison.Ordinal) && !name.StartsWith("post_quant_conv.", StringComparison.Ordinal))
                continue;
            var renamed = Rename(name, levels);
            // The original attention's q, k, v and output are 1×1 convolutions: [C, C, 1, 1] → [C, C].
            result[renamed] = renamed.Contains(".attentions.", StringComparison.Ordinal) && rank(value) == 4 ? flatten(value) : value;
        }
        return result;
    }

    private static string Rename(string name, int ldmDecoderLevels)
    {
        // diffusers' older attention names.
        name = name.Replace(".attentions.0.query.", ".attentions.0.to_q.", StringComparison.Ordinal)
            .Replace(".attentions.0.key.", ".attentions.0.to_k.", StringComparison.Ordinal)
            .Replace(".attentions.0.value.", ".attentions.0.to_v.", StringComparison.Ordinal)
            .Replace(".attentions.0.proj_attn.", ".attentions.0.to_out.0.", StringComparison.Ordinal);
        // The original latent-diffusion names.
        name = LdmLevel().Replace(name, m =>
        {
            var level = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            // The original numbers decoder levels by resolution, finest first (as its encoder's); diffusers numbers its
            // up_blocks in the order they run, coarsest first.
            return m.Groups[1].Value == "down" ? $"down_blocks.{level}." : $"up_blocks.{ldmDecoderLevels - 1 - level}.";
        });
        name = name.Replace(".block.", ".resnets.", StringComparison.Ordinal)
            .Replace(".downsample.conv.", ".downsamplers.0.conv.", StringComparison.Ordinal)
            .Replace(".upsample.conv.", ".upsamplers.0.conv.", StringComparison.Ordinal)
            .Replace(".nin_shortcut.", ".conv_shortcut.", StringComparison.Ordinal)
            .Replace(".mid.block_1.", ".mid_block.resnets.0.", StringComparison.Ordinal)
            .Replace(".mid.block_2.", ".mid_block.resnets.1.", StringComparison.Ordinal)
            .Replace(".mid.attn_1.norm.", ".mid_block.attentions.0.group_norm.", StringComparison.Ordinal)
            .Replace(".mid.attn_1.q.", ".mid_block.attentions.0.to_q.", StringComparison.Ordinal)
            .Replace(".mid.attn_1.k.", ".mid_block.attentions.0.to_k.", StringComparison.Ordinal)
            .Replace(".mid.attn_1.v.", ".mid_block.attentions.0.to_v.", StringComparison.Ordinal)
            .Replace(".mid.attn_1.proj_out.", ".mid_block.attentions.0.to_out.0.", StringComparison.Ordinal);
        if (name.StartsWith("encoder.norm_out.", StringComparison.Ordinal) || name.StartsWith("decoder.norm_out.", StringComparison.Ordinal))
            name = name.Replace(".norm_out.", ".conv_norm_out.", StringComparison.Ordinal);
        return name;
    }

    /// <summary>Copies <paramref name="weights"/> into <paramref name="model"/>'s parameters (as fp32); names must match both ways.</summary>
    private static void Assign(AutoencoderKl model, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var parameters = model.state_dict();
        var missing = parameters.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        var unexpected = weights.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ModelLoadException(
                $"'{source}' does not fit an AutoencoderKL of its config: {Names("missing", missing)}{(missing.Count > 0 && unexpected.Count > 0 ? "; " : "")}{Names("unexpected", unexpected)}.");
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var value = weights[name];
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new ModelLoadException($"'{source}': '{name}' is [{string.Join(", ", value.shape)}]; the config's model needs [{string.Join(", ", parameter.shape)}].");
            using var fp32 = value.to(ScalarType.Float32);
            parameter.copy_(fp32);
        }
    }

    private static string Names(string what, List<string> names) =>
        names.Count == 0 ? "" : $"{names.Count} {what} ({string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", …" : "")})";

    [GeneratedRegex(@"(?<=^(?:encoder|decoder)\.)(down|up)\.(\d+)\.")]
    private static partial Regex LdmLevel();

    [GeneratedRegex(@"^(?:first_stage_model\.|vae\.)?decoder\.up\.(\d+)\.")]
    private static partial Regex LdmDecoderLevel();

    [GeneratedRegex(@"^(?:first_stage_model\.|vae\.)?(?:encoder|decoder|quant_conv|post_quant_conv)\.")]
    private static partial Regex VaeTensor();
}
