using TorchSharp;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

public class LatentTilingTests
{
    /// <summary>A decoder whose pixels depend only on the latent position under them: tiles cannot matter to it.</summary>
    private static Tensor Pointwise(Tensor z) =>
        z.narrow(1, 0, 3).mul(2.5).add(z.narrow(1, 3, 1)).repeat_interleave(4, 2).repeat_interleave(4, 3);

    [Theory]
    [InlineData(37, 23, 8, 3)]
    [InlineData(9, 40, 8, 0)]
    [InlineData(16, 16, 8, 7)]
    public void Tiles_blend_into_the_untiled_image_where_tiles_do_not_matter(int height, int width, int tile, int overlap)
    {
        using var scope = NewDisposeScope();
        var latents = randn([2, 4, height, width], generator: new Generator(5));
        var tiled = LatentTiling.Decode(latents, 4, Pointwise, tile, overlap);
        var whole = Pointwise(latents);
        Assert.Equal(whole.shape, tiled.shape);
        var difference = tiled.sub(whole).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiled differs by {difference}");
    }

    /// <summary>An encoder whose latent at a place depends only on the pixels over it.</summary>
    private static Tensor Pooled(Tensor images) => nn.functional.avg_pool2d(images, 4).mul(3).sub(1);

    [Theory]
    [InlineData(37, 23, 8, 3)]
    [InlineData(9, 40, 8, 0)]
    [InlineData(16, 16, 8, 7)]
    public void Encoded_tiles_blend_into_the_untiled_latent_where_tiles_do_not_matter(int height, int width, int tile, int overlap)
    {
        using var scope = NewDisposeScope();
        var images = rand([2, 3, 4 * height, 4 * width], generator: new Generator(6));
        var tiled = LatentTiling.Encode(images, 4, Pooled, tile, overlap);
        var whole = Pooled(images);
        Assert.Equal(whole.shape, tiled.shape);
        var difference = tiled.sub(whole).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"tiled differs by {difference}");
        Assert.Contains("multiples of 4", Assert.Throws<ArgumentException>(() => LatentTiling.Encode(images.narrow(2, 0, 9), 4, Pooled, tile, overlap)).Message);
    }

    [Theory]
    [InlineData(100, 64, 16)]
    [InlineData(65, 64, 16)]
    [InlineData(64, 64, 16)]
    [InlineData(30, 8, 3)]
    public void Tiles_cover_the_side_each_overlapping_the_last_by_at_least_the_overlap(int length, int tile, int overlap)
    {
        var starts = LatentTiling.Starts(length, tile, overlap);
        Assert.Equal(0, starts[0]);
        Assert.Equal(Math.Max(0, length - tile), starts[^1]);
        for (var i = 1; i < starts.Length; i++)
            Assert.InRange(starts[i] - starts[i - 1], 1, tile - overlap);
    }

    [Fact]
    public void A_latent_no_larger_than_a_tile_decodes_exactly_as_untiled()
    {
        using var scope = NewDisposeScope();
        using var model = AutoencoderKlWeights.Load(Path.Combine(RepoPaths.Root, "Tests", "Image", "Fixtures", "autoencoder-kl-tiny"));
        using var inference = inference_mode();
        var latents = randn([1, 4, 6, 5], generator: new Generator(8));
        Assert.True(model.DecodeTiled(latents, tile: 6, overlap: 2).SameAs(model.Decode(latents)));
    }

    [Fact]
    public void A_large_latent_decodes_tiled_to_the_untiled_size()
    {
        using var scope = NewDisposeScope();
        using var model = AutoencoderKlWeights.Load(Path.Combine(RepoPaths.Root, "Tests", "Image", "Fixtures", "autoencoder-kl-tiny"));
        using var inference = inference_mode();
        var latents = randn([1, 4, 13, 9], generator: new Generator(8));
        var tiled = model.DecodeTiled(latents, tile: 6, overlap: 2);
        Assert.Equal(new long[] { 1, 3, 52, 36 }, tiled.shape);
        Assert.False(tiled.isnan().any().item<bool>());
    }

    [Fact]
    public void An_overlap_as_large_as_the_tile_is_refused()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentTiling.Decode(zeros(1, 4, 20, 20), 4, Pointwise, tile: 8, overlap: 8));
    }
}
