using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Image.Models;

/// <summary>
/// The shape of an <see cref="AutoencoderKl"/>, under the keys of diffusers' <c>config.json</c> for its
/// <c>AutoencoderKL</c>, so that a Stable Diffusion VAE folder's config reads as it is. Defaults are diffusers'.
/// </summary>
/// <remarks>Only the keys that shape the network or its latent scale are read; others (<c>_class_name</c>, <c>sample_size</c>…) are kept out.</remarks>
public sealed record AutoencoderKlConfig
{
    /// <summary>Image channels in (3: RGB; 4 where alpha is modelled). Default 3.</summary>
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;

    /// <summary>Channels the decoder gives out. Default 3.</summary>
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;

    /// <summary>Channels of each resolution level, finest first; each level after the first halves the size. Default [64].</summary>
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [64];

    /// <summary>Residual blocks per encoder level (the decoder has one more per level). Default 1.</summary>
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 1;

    /// <summary>Channels of the latent. Default 4.</summary>
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 4;

    /// <summary>Groups of every group norm; must divide every level's channels. Default 32.</summary>
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;

    /// <summary>Activation: only <c>silu</c>, the one Stable Diffusion's VAEs use. Default silu.</summary>
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";

    /// <summary>Encoder level kinds: each must be <c>DownEncoderBlock2D</c>, one per level.</summary>
    [JsonPropertyName("down_block_types")] public string[]? DownBlockTypes { get; init; }

    /// <summary>Decoder level kinds: each must be <c>UpDecoderBlock2D</c>, one per level.</summary>
    [JsonPropertyName("up_block_types")] public string[]? UpBlockTypes { get; init; }

    /// <summary>Whether the middle of encoder and decoder has its self-attention block. Default true.</summary>
    [JsonPropertyName("mid_block_add_attention")] public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>Whether a 1×1 convolution follows the encoder. Default true.</summary>
    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; init; } = true;

    /// <summary>Whether a 1×1 convolution precedes the decoder. Default true.</summary>
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; init; } = true;

    /// <summary>
    /// Factor a diffusion model's latents carry (z × factor): Stable Diffusion 1.x's 0.18215 by default. The VAE itself
    /// does not use it; latents saved for other tools are scaled by it.
    /// </summary>
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Offset subtracted before scaling (SD3, Flux); null: none.</summary>
    [JsonPropertyName("shift_factor")] public double? ShiftFactor { get; init; }

    /// <summary>Size of the image side the encoder shrinks by: 2 per level after the first.</summary>
    [JsonIgnore] public int Downsampling => 1 << (BlockOutChannels.Length - 1);

    /// <summary>Checks the shape; returns this.</summary>
    public AutoencoderKlConfig Validate()
    {
        if (BlockOutChannels is not { Length: > 0 }) throw new ArgumentException("block_out_channels needs at least one level.");
        if (InChannels < 1 || OutChannels < 1 || LatentChannels < 1 || LayersPerBlock < 1 || NormNumGroups < 1)
            throw new ArgumentException("in_channels, out_channels, latent_channels, layers_per_block and norm_num_groups must be at least 1.");
        if (BlockOutChannels.Where(c => c < 1 || c % NormNumGroups != 0).ToArray() is [var bad, ..])
            throw new ArgumentException($"block_out_channels {bad} is not a positive multiple of norm_num_groups ({NormNumGroups}).");
        if (ActFn != "silu") throw new ArgumentException($"act_fn '{ActFn}' is not supported; Stable Diffusion's VAEs use silu.");
        if (DownBlockTypes is { } down && (down.Length != BlockOutChannels.Length || down.Any(t => t != "DownEncoderBlock2D")))
            throw new ArgumentException($"down_block_types must be DownEncoderBlock2D, one per level ({BlockOutChannels.Length}); got {string.Join(", ", down)}.");
        if (UpBlockTypes is { } up && (up.Length != BlockOutChannels.Length || up.Any(t => t != "UpDecoderBlock2D")))
            throw new ArgumentException($"up_block_types must be UpDecoderBlock2D, one per level ({BlockOutChannels.Length}); got {string.Join(", ", up)}.");
        return this;
    }

    /// <summary>Reads diffusers' <c>config.json</c> at <paramref name="path"/>; a file that does not describe an AutoencoderKL is a <see cref="ModelLoadException"/>.</summary>
    public static AutoencoderKlConfig Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ModelLoadException($"'{path}' is not a JSON object.");
            if (json["_class_name"]?.GetValue<string>() is { } name && name != "AutoencoderKL")
                throw new ModelLoadException($"'{path}' describes a diffusers {name}; only AutoencoderKL (Stable Diffusion's VAE) is supported.");
            return (json.Deserialize<AutoencoderKlConfig>() ?? new AutoencoderKlConfig()).Validate();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"cannot read the AutoencoderKL config '{path}': {e.Message}", e);
        }
    }
}
