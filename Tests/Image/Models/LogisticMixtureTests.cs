using TorchSharp;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

public class LogisticMixtureTests
{
    /// <summary>Every level of one channel, as values on the grid: [256].</summary>
    private static Tensor Levels() => arange(256, dtype: ScalarType.Float32).div(127.5).sub(1);

    /// <summary>Parameters for one pixel repeated over <paramref name="pixels"/> pixels: [1, P, 1, pixels].</summary>
    private static Tensor OnePixel(LogisticMixture mixture, long pixels, ulong seed, double scale = 1.5) =>
        randn([1, mixture.ParameterChannels, 1, 1], generator: new Generator(seed)).mul(scale).expand(1, mixture.ParameterChannels, 1, pixels);

    [Theory]
    [InlineData(1, 3, 1UL)]
    [InlineData(2, 2, 2UL)]
    [InlineData(3, 2, 3UL)]
    public void The_probabilities_of_every_colour_sum_to_one(int channels, int components, ulong seed)
    {
        using var scope = NewDisposeScope();
        var mixture = new LogisticMixture(channels, components);
        // Every colour: 256^channels of them, as pixels of one row, in chunks of the first channel's levels.
        var levels = Levels();
        var rest = channels == 1 ? null : cartesian_prod(Enumerable.Repeat(levels, channels - 1).ToArray()).view(-1, channels - 1);
        double total = 0;
        for (var first = 0; first < 256; first++)
        {
            using var chunk = NewDisposeScope();
            var colours = rest is null ? levels.view(-1, 1) : cat([full([rest.shape[0], 1], levels[first].item<float>()), rest], 1); // [n, channels]
            var x = colours.T.view(1, channels, 1, -1);
            var parameters = OnePixel(mixture, x.shape[3], seed);
            // Per pixel: the Nll of a batch of one image of n pixels sums them; take them one by one via exp of each.
            total += mixture.Nll(parameters.contiguous().view(mixture.ParameterChannels, 1, 1, -1).permute(3, 0, 1, 2).contiguous(),
                x.view(channels, 1, 1, -1).permute(3, 0, 1, 2).contiguous()).neg().exp().to(ScalarType.Float64).sum().item<double>();
            if (channels == 1) break;
        }
        Assert.InRange(total, 1 - 1e-3, 1 + 1e-3);
    }

    [Fact]
    public void With_two_colours_equally_likely_the_mode_is_one_of_them_and_not_their_blend()
    {
        using var scope = NewDisposeScope();
        var mixture = new LogisticMixture(3, 2);
        // Component 0: red (0.9, −1, −1); component 1: blue (−1, −1, 0.9); near-equal weights, narrow scales, coefficients
        // at 0. The one-component fit of the same pixel would be their purple mean. Layout: logits, then per channel the
        // components' means, then per channel their log-scales.
        var p = zeros(1, mixture.ParameterChannels, 1, 1);
        var r = new[] { 0.9f, -1f }; var g = new[] { -1f, -1f }; var b = new[] { -1f, 0.9f };
        for (var k = 0; k < 2; k++)
        {
            p[0, 2 + 0 * 2 + k, 0, 0] = r[k];
            p[0, 2 + 1 * 2 + k, 0, 0] = g[k];
            p[0, 2 + 2 * 2 + k, 0, 0] = b[k];
            for (var c = 0; c < 3; c++) p[0, 2 + 6 + c * 2 + k, 0, 0] = -4f;
        }
        p[0, 0, 0, 0] = 0.1f; // component 0 a little likelier
        var mode = mixture.Mode(p).view(3);
        Assert.Equal(new[] { 0.9f, -1f, -1f }, mode.data<float>().ToArray().Select(v => (float)Math.Round(v, 2)).ToArray());
    }

    [Fact]
    public void The_mode_is_the_likeliest_components_colour_even_against_a_surer_black()
    {
        using var scope = NewDisposeScope();
        var mixture = new LogisticMixture(3, 2);
        // Component 0: black, far below the grid (all its mass on level 0), weight 0.3. Component 1: a red spread over
        // a few levels, weight 0.7. Black is the single most probable value (0.3 against about 0.7 × 0.1), but the
        // pixel is red seven times in ten.
        var p = zeros(1, mixture.ParameterChannels, 1, 1);
        p[0, 0, 0, 0] = (float)Math.Log(0.3);
        p[0, 1, 0, 0] = (float)Math.Log(0.7);
        var means = new[] { new[] { -3f, 0.6f }, new[] { -3f, -0.5f }, new[] { -3f, -0.5f } };
        for (var c = 0; c < 3; c++)
            for (var k = 0; k < 2; k++)
            {
                p[0, 2 + c * 2 + k, 0, 0] = means[c][k];
                p[0, 2 + 6 + c * 2 + k, 0, 0] = k == 0 ? -5f : -3.5f;
            }
        var mode = mixture.Mode(p).view(3).data<float>().ToArray().Select(v => (int)Math.Round((v + 1) * 127.5)).ToArray();
        Assert.Equal(new[] { 204, 64, 64 }, mode);
        var black = mixture.Nll(p, full(1, 3, 1, 1, -1f)).item<float>();
        var red = mixture.Nll(p, tensor(new[] { 0.6f, -0.5f, -0.5f }).view(1, 3, 1, 1).mul(127.5).add(127.5).round().div(127.5).sub(1)).item<float>();
        Assert.True(black < red, $"black {black} nats, red {red}: the test needs black to be the likelier single value");
    }

    [Fact]
    public void Samples_lie_on_the_grid_follow_the_weights_and_repeat_with_the_same_noise()
    {
        using var scope = NewDisposeScope();
        var mixture = new LogisticMixture(4, 3);
        var parameters = OnePixel(mixture, 4000, 9, scale: 1.0);
        var a = mixture.Sample(parameters, 1.0, generator: new Generator(1));
        var b = mixture.Sample(parameters, 1.0, generator: new Generator(1));
        Assert.True(a.SameAs(b));
        Assert.Equal(new long[] { 1, 4, 1, 4000 }, a.shape);
        var levels = a.add(1).mul(127.5);
        Assert.True(levels.sub(levels.round()).abs().max().item<float>() < 1e-3);
        Assert.True(a.min().item<float>() >= -1 && a.max().item<float>() <= 1);
        // The draws' mean log-likelihood is near the distribution's negative entropy: far above a uniform pixel's.
        var perPixel = mixture.Nll(parameters.permute(3, 1, 2, 0).contiguous(), a.permute(3, 1, 2, 0).contiguous()).mean().item<float>();
        Assert.True(perPixel < 4 * Math.Log(256) - 2, $"{perPixel} nats a pixel");
    }

    [Fact]
    public void Temperature_zero_samples_the_mode_and_shapes_are_checked()
    {
        using var scope = NewDisposeScope();
        var mixture = new LogisticMixture(3, 2);
        var parameters = randn(2, mixture.ParameterChannels, 3, 4, generator: new Generator(3));
        Assert.True(mixture.Sample(parameters, 0).SameAs(mixture.Mode(parameters)));
        Assert.Equal(20, mixture.ParameterChannels); // 2 × (1 + 2·3 + 3)
        Assert.Throws<ArgumentException>(() => mixture.Nll(parameters, zeros(2, 4, 3, 4)));
        Assert.Throws<ArgumentException>(() => mixture.Nll(parameters.narrow(1, 0, 19), zeros(2, 3, 3, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogisticMixture(5, 2));
    }
}
