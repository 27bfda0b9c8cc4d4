using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Image.Models;

/// <summary>
/// PixelCNN++'s pixel likelihood (Salimans et al. 2017): per pixel, a mixture of <see cref="Components"/> discretised
/// logistics over 8-bit values, with each channel's mean shifted linearly by the channels before it (green by red,
/// blue by red and green, alpha by all three), so a component holds a colour, not three unrelated channels.
/// </summary>
/// <remarks>
/// <para>
/// Values are in [−1, 1] on the 256-level grid (level v at v / 127.5 − 1). A level's probability is the logistic's mass
/// over its bin; the end levels take the tails, so each channel's 256 probabilities sum to one. Where a bin's mass is
/// below 1e-5 the density at its centre times the bin width stands in, as in PixelCNN++, to keep the logarithm finite.
/// </para>
/// <para>
/// Parameters per pixel, in channel order: the components' logits, then for each channel the components' means, then
/// their log-scales (floored at −7), then for each pair of a channel and an earlier one (green on red, blue on red,
/// blue on green, alpha on red, green, blue) the components' coefficients (through tanh).
/// </para>
/// <para>
/// Why: a one-component logistic's most likely value sits at its mean, and where a decoder is unsure between two
/// colours that mean is a third colour between them (a blur). A mixture keeps both colours, and its mode is one of them.
/// </para>
/// </remarks>
public sealed class LogisticMixture
{
    /// <summary>Smallest log-scale: a logistic narrower than a bin's thousandth adds nothing but overflow.</summary>
    public const double MinLogScale = -7.0;

    /// <summary>A mixture of <paramref name="components"/> (1–32) over images of <paramref name="channels"/> (1–4) channels.</summary>
    public LogisticMixture(int channels, int components)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(components, 32);
        Channels = channels;
        Components = components;
    }

    /// <summary>Image channels.</summary>
    public int Channels { get; }

    /// <summary>Mixture components per pixel.</summary>
    public int Components { get; }

    /// <summary>Coefficients per component: one per pair of a channel and an earlier channel.</summary>
    private int Coefficients => Channels * (Channels - 1) / 2;

    /// <summary>Decoder output channels this likelihood reads per pixel.</summary>
    public int ParameterChannels => Components * (1 + 2 * Channels + Coefficients);

    /// <summary>
    /// Per-example negative log-likelihood in nats [batch] of images <paramref name="x"/> [batch, channels, height, width]
    /// (values on the 256-level grid in [−1, 1]) under <paramref name="parameters"/> [batch, <see cref="ParameterChannels"/>, height, width].
    /// </summary>
    public Tensor Nll(Tensor parameters, Tensor x)
    {
        Check(parameters, x);
        using var scope = NewDisposeScope();
        return PixelLogProbability(parameters, x).sum([1, 2]).neg().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Images [batch, channels, height, width] on the 256-level grid drawn from <paramref name="parameters"/>:
    /// temperature 0 gives each pixel's likeliest component's centre (<see cref="Mode"/>); above 0, a
    /// component drawn by its weight and each channel from its logistic with the scale multiplied by the temperature.
    /// <paramref name="uniform"/> (optional, [batch, 1 + channels, height, width] in (0, 1)) supplies the noise.
    /// </summary>
    public Tensor Sample(Tensor parameters, double temperature, Tensor? uniform = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (temperature <= 0) return Mode(parameters);
        using var scope = NewDisposeScope();
        var (batch, height, width) = (parameters.shape[0], parameters.shape[2], parameters.shape[3]);
        var u = uniform ?? rand([batch, 1 + Channels, height, width], generator: generator, device: parameters.device);
        var logits = parameters.narrow(1, 0, Components);
        // The component: the first whose cumulative weight passes the pixel's uniform number.
        var cumulative = F.softmax(logits, 1).cumsum(1);
        var picked = cumulative.lt(u.narrow(1, 0, 1)).sum(1, keepdim: true).clamp_max(Components - 1); // [B, 1, H, W]
        var values = new List<Tensor>();
        for (var c = 0; c < Channels; c++)
        {
            var (mean, logScale) = ChannelParameters(parameters, picked, c, values);
            var p = u.narrow(1, 1 + c, 1).clamp(1e-5, 1 - 1e-5);
            var drawn = mean.add(logScale.exp().mul(temperature).mul(p.log().sub(p.neg().log1p())));
            values.Add(Quantise(drawn));
        }
        return cat(values, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each pixel's likeliest component's centre: the component of the largest weight, and each channel at its mean given
    /// the channels before it, on the grid. A colour the mixture holds, never a blend of two.
    /// </summary>
    /// <remarks>
    /// Not the mixture's single most probable value: an end level takes its logistic's whole tail, so a component of
    /// pure black (or white, or clear) has nearly all its mass on one value, and the most probable value would be that
    /// colour wherever it has a fifth of the weight, against a likelier but less certain colour spread over a few levels.
    /// The component decides which colour a pixel is; its centre is that colour.
    /// </remarks>
    public Tensor Mode(Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        var component = parameters.narrow(1, 0, Components).argmax(1, keepdim: true); // [B, 1, H, W]
        var values = new List<Tensor>();
        for (var c = 0; c < Channels; c++)
        {
            var (mean, _) = ChannelParameters(parameters, component, c, values);
            values.Add(Quantise(mean));
        }
        return cat(values, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Log-probability [batch, height, width] of each pixel of <paramref name="x"/> (the per-pixel terms of <see cref="Nll"/>).</summary>
    /// <remarks>Each channel's level mass is <see cref="DiscretizedLogistic"/>'s.</remarks>
    private Tensor PixelLogProbability(Tensor parameters, Tensor x)
    {
        var (logits, means, logScales) = Split(parameters, x);
        // The discretised logistic takes values as k / 255.
        var levels = x.unsqueeze(1).expand_as(means).add(1).mul(0.5);
        var logProbability = DiscretizedLogistic.LogProbability(levels, means, logScales);
        return logProbability.sum(2).add(F.log_softmax(logits, 1)).logsumexp(1);
    }

    /// <summary>
    /// The logits [B, K, H, W], and the means and log-scales [B, K, C, H, W] of each component and channel, the means
    /// shifted by the earlier channels of <paramref name="x"/>.
    /// </summary>
    private (Tensor Logits, Tensor Means, Tensor LogScales) Split(Tensor parameters, Tensor x)
    {
        var (batch, height, width) = (parameters.shape[0], parameters.shape[2], parameters.shape[3]);
        var (k, c) = (Components, Channels);
        var logits = parameters.narrow(1, 0, k);
        var means = parameters.narrow(1, k, k * c).view(batch, c, k, height, width).transpose(1, 2);
        var logScales = parameters.narrow(1, k * (1 + c), k * c).view(batch, c, k, height, width).transpose(1, 2).clamp_min(MinLogScale);
        if (Coefficients == 0) return (logits, means, logScales);
        var coefficients = parameters.narrow(1, k * (1 + 2 * c), k * Coefficients).view(batch, Coefficients, k, height, width).transpose(1, 2).tanh();
        var shifted = new List<Tensor> { means.narrow(2, 0, 1) };
        var index = 0;
        for (var channel = 1; channel < c; channel++)
        {
            var mean = means.narrow(2, channel, 1);
            for (var earlier = 0; earlier < channel; earlier++, index++)
                mean = mean.add(coefficients.narrow(2, index, 1).mul(x.narrow(1, earlier, 1).unsqueeze(1)));
            shifted.Add(mean);
        }
        return (logits, cat(shifted, 2), logScales);
    }

    /// <summary>Mean and log-scale [B, 1, H, W] of channel <paramref name="channel"/> in each pixel's <paramref name="component"/>, given the earlier channels' <paramref name="values"/>.</summary>
    private (Tensor Mean, Tensor LogScale) ChannelParameters(Tensor parameters, Tensor component, int channel, List<Tensor> values)
    {
        var (k, c) = (Components, Channels);
        Tensor Pick(int offset) => parameters.narrow(1, offset, k).gather(1, component);
        var mean = Pick(k * (1 + channel));
        var logScale = Pick(k * (1 + c + channel)).clamp_min(MinLogScale);
        var index = channel * (channel - 1) / 2;
        for (var earlier = 0; earlier < channel; earlier++, index++)
            mean = mean.add(Pick(k * (1 + 2 * c + index)).tanh().mul(values[earlier]));
        return (mean, logScale);
    }

    /// <summary>Values clamped to [−1, 1] and rounded to the nearest of the 256 levels.</summary>
    private static Tensor Quantise(Tensor values) => values.clamp(-1.0, 1.0).add(1).mul(127.5).round().div(127.5).sub(1);

    private void Check(Tensor parameters, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[1] != Channels)
            throw new ArgumentException($"images must be [batch, {Channels}, height, width]; got [{string.Join(", ", x.shape)}].");
        if (parameters.dim() != 4 || parameters.shape[1] != ParameterChannels || parameters.shape[0] != x.shape[0]
            || parameters.shape[2] != x.shape[2] || parameters.shape[3] != x.shape[3])
            throw new ArgumentException($"parameters must be [{x.shape[0]}, {ParameterChannels}, {x.shape[2]}, {x.shape[3]}]; got [{string.Join(", ", parameters.shape)}].");
    }
}
