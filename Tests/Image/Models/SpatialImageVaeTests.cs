using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Variation;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

public class SpatialImageVaeTests
{
    private static SpatialImageVaeOptions Tiny { get; } = new() { Channels = 4, Side = 8, BlockOutChannels = [8, 8], NormNumGroups = 4, Components = 3, Tile = 8, TileOverlap = 2 };

    private static SpatialImageVae Build(SpatialImageVaeOptions? options = null) =>
        TorchRuntime.SeededBuild(3, () => new SpatialImageVae(options ?? Tiny));

    private static Tensor Images(long batch, long height, long width, int seed = 1) =>
        rand([batch, 4, height, width], generator: new Generator((ulong)seed)).mul(255).round().div(255);

    [Theory]
    [InlineData(8, 8)]
    [InlineData(6, 20)]
    [InlineData(30, 2)]
    public void Any_size_that_the_downsampling_divides_encodes_and_decodes_at_its_own_size(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = Build();
        using var inference = inference_mode();
        var posterior = model.Encode(Images(2, height, width));
        Assert.Equal(new long[] { 2, 4, height / 2, width / 2 }, posterior.Mean.shape);
        var output = model.Generate(posterior.Mean, new GenerationSettings(0));
        Assert.Equal(new long[] { 2, 4, height, width }, output.shape);
        // Outputs are 8-bit values in [0, 1].
        Assert.True(output.mul(255).sub(output.mul(255).round()).abs().max().item<float>() < 1e-3);
        Assert.InRange(output.min().item<float>(), 0f, 1f);
        Assert.InRange(output.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void A_side_the_downsampling_does_not_divide_is_refused_saying_to_pad()
    {
        using var model = Build();
        var error = Assert.Throws<ArgumentException>(() => model.Encode(Images(1, 7, 8)));
        Assert.Contains("multiples of 2", error.Message);
    }

    [Fact]
    public void The_kl_sums_every_place_and_channel_and_the_prior_sample_has_the_training_side()
    {
        using var scope = NewDisposeScope();
        using var model = Build();
        var input = Images(3, 8, 8);
        var posterior = model.Encode(input);
        var kl = ((IVaeModel)model).Kl(input, posterior, posterior.Mean);
        var flat = new VaeCreative.Core.Posteriors.DiagonalGaussian(posterior.Mean.reshape(3, -1), posterior.LogVariance.reshape(3, -1)).KlToStandardNormal();
        Assert.True(kl.SameAs(flat));
        Assert.Equal(new long[] { 4, 4, 4 }, ((IVaeModel)model).LatentShape);
        Assert.Equal(64, model.LatentSize);
        Assert.Equal(new long[] { 5, 10, 6 }, ((IVaeModel)model).RowNoiseShapeOf(zeros(2, 4, 5, 3)));
    }

    [Fact]
    public void A_row_samples_the_same_alone_or_in_a_batch()
    {
        using var scope = NewDisposeScope();
        using var model = Build();
        using var inference = inference_mode();
        var z = randn([3, 4, 4, 4], generator: new Generator(2));
        var uniform = rand([3, 5, 8, 8], generator: new Generator(4));
        var temperatures = tensor(new double[] { 0, 0.7, 1 });
        var batch = model.Generate(z, GenerationSettings.PerRow(uniform, temperatures));
        for (var r = 0; r < 3; r++)
        {
            var alone = model.Generate(z.narrow(0, r, 1), GenerationSettings.PerRow(uniform.narrow(0, r, 1), temperatures.narrow(0, r, 1)));
            Assert.True(alone.SameAs(batch.narrow(0, r, 1)), $"row {r}");
        }
        Assert.False(batch[1].SameAs(batch[2]));
    }

    [Fact]
    public void Codes_keep_their_spatial_shape_through_the_variation_engine()
    {
        using var scope = NewDisposeScope();
        using var model = Build();
        using var engine = new VariationEngine(model, CPU);
        Assert.Equal(VariationNeighbourhood.PosteriorNoise, engine.Neighbourhood);
        var seed = Images(1, 6, 10);
        var variations = engine.Vary(seed, 3, 0.5, 0, rng: 7, rejectCopies: false);
        Assert.Equal(new long[] { 3, 4, 6, 10 }, variations.shape);
        Assert.True(variations.SameAs(engine.Vary(seed, 3, 0.5, 0, rng: 7, rejectCopies: false)));
        // Batched with another seed of the same size, a request's outputs do not change.
        var other = Images(1, 6, 10, seed: 9);
        var batched = engine.VaryBatch([new VariationRequest(other, 2, 0.5, 0, 1), new VariationRequest(seed, 3, 0.5, 0, 7)], rejectCopies: false);
        Assert.True(batched[1].SameAs(variations));
        Assert.Equal(new long[] { 4, 4, 6, 10 }, engine.Interpolate(seed, other, 4).shape);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, engine.Sample(2, 0, rng: 1).shape);
    }

    [Fact]
    public void An_image_larger_than_a_tile_is_encoded_and_decoded_in_tiles_to_the_untiled_shape()
    {
        using var scope = NewDisposeScope();
        using var model = Build();
        using var inference = inference_mode();
        // 8 latent places per tile: a 16 × 40 image (8 × 20 places) goes in three columns of tiles.
        var images = Images(1, 16, 40);
        var tiled = model.Encode(images);
        var whole = model.Network.Encode(images.mul(2).sub(1));
        Assert.Equal(whole.Mean.shape, tiled.Mean.shape);
        // Group norms and attention see the whole image untiled, so the two differ a little, not wholly.
        var gap = tiled.Mean.sub(whole.Mean).abs().mean().item<float>();
        Assert.True(gap < whole.Mean.abs().mean().item<float>(), $"tiled means differ by {gap} on average");
        Assert.Equal(new long[] { 1, 4, 16, 40 }, model.Generate(tiled.Mean, new GenerationSettings(0)).shape);
    }

    [Fact]
    public void A_stable_diffusion_decoder_gives_images_and_refuses_to_be_scored()
    {
        using var scope = NewDisposeScope();
        var config = new AutoencoderKlConfig { InChannels = 3, OutChannels = 3, BlockOutChannels = [8, 8], NormNumGroups = 4, LatentChannels = 4 };
        var options = SpatialImageVaeOptions.FromDiffusers(config);
        Assert.Equal((0, 3, 2), (options.Components, options.Channels, options.Downsampling));
        using var model = TorchRuntime.SeededBuild(1, () => new SpatialImageVae(options, new AutoencoderKl(config)));
        using var inference = inference_mode();
        var images = rand([1, 3, 6, 4], generator: new Generator(1));
        var posterior = model.Encode(images);
        var decoded = model.Generate(posterior.Mean, new GenerationSettings(0));
        Assert.Equal(new long[] { 1, 3, 6, 4 }, decoded.shape);
        var expected = model.Network.Decode(posterior.Mean).clamp(-1, 1).add(1).mul(127.5).round().div(255);
        Assert.True(decoded.SameAs(expected));
        Assert.Contains("Stable Diffusion", Assert.Throws<NotSupportedException>(() => model.Reconstruct(images, posterior.Mean, ReconstructionSettings.TeacherForced)).Message);
        Assert.Throws<ArgumentException>(() => SpatialImageVaeOptions.FromDiffusers(config with { OutChannels = 6 }));
    }
}
