using static TorchSharp.torch;

namespace VaeCreative.Image.Models;

/// <summary>
/// Decodes a large latent in overlapping tiles and blends them, as ComfyUI's tiled VAE decode does: memory grows with
/// one tile's decode (the convolutions' activations) plus the output, not with the whole image's activations.
/// </summary>
/// <remarks>
/// <para>
/// Tiles are <c>tile</c> latent positions square, <c>overlap</c> apart from their neighbours' edges; the last tile of a
/// row or column is moved back to end at the latent's edge. Where tiles overlap, each tile's pixels are weighted by a
/// linear ramp that falls toward its edge (an edge on the image's border is not ramped), and the sum is divided by the
/// summed weights, so a decoder whose output at a pixel depends only on nearby latents gives the untiled image.
/// </para>
/// <para>
/// Stable Diffusion's decoder is not quite such a decoder: its group norms and middle attention see the whole input, so
/// a tile's pixels differ slightly from the untiled image's and the ramps hide the seams. A latent no larger than one
/// tile is decoded whole, exactly.
/// </para>
/// </remarks>
public static class LatentTiling
{
    /// <summary>Default tile side in latent positions (64: 512 pixels for Stable Diffusion's 8× VAE, ComfyUI's default).</summary>
    public const int DefaultTile = 64;

    /// <summary>Default overlap in latent positions (16: a quarter of a tile, diffusers' overlap factor).</summary>
    public const int DefaultOverlap = 16;

    /// <summary>
    /// <paramref name="decode"/> applied to <paramref name="latents"/> [batch, channels, height, width] in tiles, its
    /// outputs [batch, outChannels, tileHeight × <paramref name="scale"/>, tileWidth × scale] blended into one image.
    /// </summary>
    public static Tensor Decode(Tensor latents, int scale, Func<Tensor, Tensor> decode, int tile = DefaultTile, int overlap = DefaultOverlap)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        return Blend(latents, 1, scale, decode, tile, overlap);
    }

    /// <summary>
    /// <paramref name="encode"/> applied to <paramref name="images"/> [batch, channels, height, width] (sides multiples of
    /// <paramref name="scale"/>) in tiles of <paramref name="tile"/> latent positions (tile × scale pixels), its outputs
    /// [batch, latentChannels, tileHeight / scale, tileWidth / scale] blended into one latent, as diffusers' tiled encode
    /// blends: the encoder's activations are bounded by one tile's, and its middle attention by a tile's positions.
    /// </summary>
    public static Tensor Encode(Tensor images, int scale, Func<Tensor, Tensor> encode, int tile = DefaultTile, int overlap = DefaultOverlap)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (images.dim() == 4 && (images.shape[2] % scale != 0 || images.shape[3] % scale != 0))
            throw new ArgumentException($"a tiled encode needs sides that are multiples of {scale}; got {images.shape[3]}×{images.shape[2]}.");
        return Blend(images, scale, 1, encode, tile, overlap);
    }

    /// <summary>
    /// <paramref name="apply"/> over overlapping tiles of <paramref name="input"/>, whose side holds
    /// <paramref name="inScale"/> values per latent position; the outputs hold <paramref name="outScale"/> per position.
    /// </summary>
    private static Tensor Blend(Tensor input, int inScale, int outScale, Func<Tensor, Tensor> apply, int tile, int overlap)
    {
        ArgumentNullException.ThrowIfNull(apply);
        if (input.dim() != 4) throw new ArgumentException($"the input must be [batch, channels, height, width]; got [{string.Join(", ", input.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, 2);
        if (overlap < 0 || overlap >= tile) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, $"the overlap must be at least 0 and less than the tile ({tile}).");
        var (height, width) = ((int)input.shape[2] / inScale, (int)input.shape[3] / inScale);
        if (height <= tile && width <= tile) return apply(input);
        var rows = Starts(height, tile, overlap);
        var columns = Starts(width, tile, overlap);
        Tensor? output = null;
        Tensor? weights = null;
        using var scope = NewDisposeScope();
        foreach (var y in rows)
            foreach (var x in columns)
            {
                using var step = NewDisposeScope();
                var (tileHeight, tileWidth) = (Math.Min(tile, height), Math.Min(tile, width));
                var part = apply(input[.., .., (y * inScale)..((y + tileHeight) * inScale), (x * inScale)..((x + tileWidth) * inScale)]);
                if (output is null)
                {
                    output = zeros([part.shape[0], part.shape[1], height * outScale, width * outScale], dtype: part.dtype, device: part.device).MoveToOuterDisposeScope();
                    weights = zeros([height * outScale, width * outScale], dtype: part.dtype, device: part.device).MoveToOuterDisposeScope();
                }
                // Ramps only toward edges that another tile overlaps.
                var vertical = Ramp(tileHeight * outScale, y > 0 ? Math.Min(overlap, y) * outScale : 0, y + tileHeight < height ? overlap * outScale : 0, part.device);
                var horizontal = Ramp(tileWidth * outScale, x > 0 ? Math.Min(overlap, x) * outScale : 0, x + tileWidth < width ? overlap * outScale : 0, part.device);
                var mask = vertical.unsqueeze(1).mul(horizontal.unsqueeze(0)).to(part.dtype);
                var rowsOut = (y * outScale)..((y + tileHeight) * outScale);
                var columnsOut = (x * outScale)..((x + tileWidth) * outScale);
                output[.., .., rowsOut, columnsOut].add_(part.mul(mask));
                weights![rowsOut, columnsOut].add_(mask);
            }
        return output!.div(weights!).MoveToOuterDisposeScope();
    }

    /// <summary>Tile starts along a side of <paramref name="length"/>: every tile − overlap, the last moved back to end at the edge.</summary>
    internal static int[] Starts(int length, int tile, int overlap)
    {
        if (length <= tile) return [0];
        var stride = tile - overlap;
        var starts = new List<int>();
        for (var s = 0; s + tile < length; s += stride) starts.Add(s);
        starts.Add(length - tile);
        return starts.Distinct().ToArray();
    }

    /// <summary>Weights along a tile side of <paramref name="length"/>: rising over the first <paramref name="rise"/>, 1, falling over the last <paramref name="fall"/>; never 0.</summary>
    private static Tensor Ramp(int length, int rise, int fall, Device device)
    {
        var w = new float[length];
        for (var i = 0; i < length; i++)
        {
            var up = rise > 0 && i < rise ? (i + 0.5f) / rise : 1f;
            var down = fall > 0 && i >= length - fall ? (length - i - 0.5f) / fall : 1f;
            w[i] = Math.Min(up, down);
        }
        return tensor(w, device: device);
    }
}
