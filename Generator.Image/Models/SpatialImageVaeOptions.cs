using System.Text.Json.Serialization;

namespace VaeCreative.Image.Models;

/// <summary>
/// The shape of a <see cref="SpatialImageVae"/>: an <see cref="AutoencoderKl"/> (Stable Diffusion's VAE) in a small
/// configuration whose decoder gives the parameters of a <see cref="LogisticMixture"/> per pixel, or, with
/// <see cref="Components"/> 0, the image itself (a Stable Diffusion VAE loaded from diffusers' files).
/// </summary>
public sealed record SpatialImageVaeOptions
{
    /// <summary>Image channels: 1 (grey), 3 (RGB) or 4 (RGBA). Default 4.</summary>
    public int Channels { get; init; } = 4;

    /// <summary>
    /// Side of the square the model trained on, in pixels: the size of prior samples and of bits-per-dimension figures.
    /// Seeds of any size are encoded at their own. Default 32; a multiple of the downsampling.
    /// </summary>
    public int Side { get; init; } = 32;

    /// <summary>Channels of each resolution level, finest first (diffusers' <c>block_out_channels</c>). Default [32, 64].</summary>
    public int[] BlockOutChannels { get; init; } = [32, 64];

    /// <summary>Residual blocks per encoder level (diffusers' <c>layers_per_block</c>). Default 1.</summary>
    public int LayersPerBlock { get; init; } = 1;

    /// <summary>Channels of the spatial latent (diffusers' <c>latent_channels</c>). Default 4.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Groups of every group norm (diffusers' <c>norm_num_groups</c>). Default 16.</summary>
    public int NormNumGroups { get; init; } = 16;

    /// <summary>Whether the middle blocks hold self-attention. Default true.</summary>
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>
    /// Components of the pixel likelihood (<see cref="LogisticMixture"/>), 1–32; 0 for a decoder that gives the image
    /// itself in [−1, 1] (Stable Diffusion's), which can decode but has no likelihood to train or score. Default 10, as
    /// PixelCNN++ and VDVAE.
    /// </summary>
    public int Components { get; init; } = 10;

    /// <summary>
    /// Factor a diffusion model's latents carry (diffusers' <c>scaling_factor</c>): latents written to files are
    /// (z − <see cref="ShiftFactor"/>) × this. Default 1 (our own models' latents are written as they are).
    /// </summary>
    public double ScalingFactor { get; init; } = 1.0;

    /// <summary>Offset subtracted before scaling (diffusers' <c>shift_factor</c>); null: none.</summary>
    public double? ShiftFactor { get; init; }

    /// <summary>
    /// Tile side in latent positions for images larger than one tile (encoded and decoded in overlapping, blended tiles,
    /// <see cref="LatentTiling"/>): bounds memory, and the middle attention's cost, which grows with the square of the
    /// positions it sees. Default 32; 8–256.
    /// </summary>
    public int Tile { get; init; } = 32;

    /// <summary>Overlap of neighbouring tiles in latent positions. Default 8; 0 to less than <see cref="Tile"/>.</summary>
    public int TileOverlap { get; init; } = 8;

    /// <summary>How much smaller the latent is than the image, per side.</summary>
    [JsonIgnore] public int Downsampling => 1 << (BlockOutChannels.Length - 1);

    /// <summary>The network's shape in diffusers' terms.</summary>
    public AutoencoderKlConfig ToConfig() => new AutoencoderKlConfig
    {
        InChannels = Channels,
        OutChannels = Components == 0 ? Channels : new LogisticMixture(Channels, Components).ParameterChannels,
        BlockOutChannels = BlockOutChannels,
        LayersPerBlock = LayersPerBlock,
        LatentChannels = LatentChannels,
        NormNumGroups = NormNumGroups,
        MidBlockAddAttention = MidBlockAddAttention,
        ScalingFactor = ScalingFactor,
        ShiftFactor = ShiftFactor,
    }.Validate();

    /// <summary>The options of a Stable Diffusion VAE of <paramref name="config"/> (its decoder gives images, not likelihoods).</summary>
    public static SpatialImageVaeOptions FromDiffusers(AutoencoderKlConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.InChannels != config.OutChannels)
            throw new ArgumentException($"an AutoencoderKL with {config.InChannels} channels in and {config.OutChannels} out does not give images back.");
        if (!config.UseQuantConv || !config.UsePostQuantConv)
            throw new ArgumentException("only AutoencoderKLs with both quant_conv and post_quant_conv (Stable Diffusion 1.x, 2.x, XL, 3, Flux) are supported.");
        return new SpatialImageVaeOptions
        {
            Channels = config.InChannels,
            Side = 8 * (1 << (config.BlockOutChannels.Length - 1)),
            BlockOutChannels = config.BlockOutChannels,
            LayersPerBlock = config.LayersPerBlock,
            LatentChannels = config.LatentChannels,
            NormNumGroups = config.NormNumGroups,
            MidBlockAddAttention = config.MidBlockAddAttention,
            Components = 0,
            Tile = LatentTiling.DefaultTile,
            TileOverlap = LatentTiling.DefaultOverlap,
            ScalingFactor = config.ScalingFactor,
            ShiftFactor = config.ShiftFactor,
        }.Validate();
    }

    /// <summary>Checks the ranges; returns this.</summary>
    public SpatialImageVaeOptions Validate()
    {
        if (Channels is not (1 or 3 or 4)) throw new ArgumentException($"channels must be 1, 3 or 4; got {Channels}.");
        if (Components is < 0 or > 32) throw new ArgumentException($"components must be 0 (a decoder that gives images) or 1–32; got {Components}.");
        if (BlockOutChannels is not { Length: > 0 and <= 6 }) throw new ArgumentException("block_out_channels needs 1–6 levels.");
        if (Side < Downsampling || Side % Downsampling != 0 || Side > 1024)
            throw new ArgumentException($"side {Side} must be a multiple of the downsampling ({Downsampling}) up to 1024.");
        if (Tile is < 8 or > 256) throw new ArgumentException($"tile must be 8–256 latent positions; got {Tile}.");
        if (TileOverlap < 0 || TileOverlap >= Tile) throw new ArgumentException($"tileOverlap must be 0 to less than the tile ({Tile}); got {TileOverlap}.");
        ToConfig();
        return this;
    }
}
