using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Image.Models;

/// <summary>
/// The discretised logistic likelihood of 8-bit values (Salimans et al. 2017, PixelCNN++; one component): a value
/// k ∈ {0, …, 255}, scaled to x = k / 127.5 − 1, gets the mass a logistic(μ, s) puts on its bin [x − 1/255, x + 1/255];
/// the end bins take the tails (so 0 and 255, common in sprites' alpha, can be near certain). Because it is a
/// probability mass, −log p over an image is a true code length, and bits per dimension mean what they do in
/// PixelCNN's tables.
/// </summary>
public static class DiscretizedLogistic
{
    /// <summary>Smallest log-scale allowed (s ≈ 0.0009, a bin width is 0.0078): keeps the density finite.</summary>
    public const double MinLogScale = -7.0;

    /// <summary>
    /// Per-element log-probabilities of <paramref name="values"/> (k / 255 in [0, 1], the model's input scale) under
    /// logistics with <paramref name="mean"/> (on the [−1, 1] scale) and <paramref name="logScale"/>; all the same shape.
    /// </summary>
    public static Tensor LogProbability(Tensor values, Tensor mean, Tensor logScale)
    {
        using var twoScalar = 2.0.ToScalar(); // held, not temporary: see Runtime.Scalars
        using var oneScalar = 1.0.ToScalar();
        using var halfBin = (1.0 / 255.0).ToScalar();
        using var minLogScale = MinLogScale.ToScalar();
        using var edge = 0.999.ToScalar();
        using var minusEdge = (-0.999).ToScalar();
        using var tiny = 1e-12.ToScalar();
        using var deltaFloor = 1e-5.ToScalar();
        using var logHalfBins = Math.Log(127.5).ToScalar();
        // Values come in as k / 255 (what the encoder sees); the likelihood works on x = 2·k/255 − 1.
        var x = values.mul(twoScalar).sub(oneScalar);
        var clamped = logScale.clamp_min(minLogScale);
        var centred = x.sub(mean);
        var inverseScale = clamped.neg().exp();
        var plusIn = inverseScale.mul(centred.add(halfBin));
        var minusIn = inverseScale.mul(centred.sub(halfBin));
        var logCdfPlus = plusIn.sub(F.softplus(plusIn));
        var logOneMinusCdfMinus = F.softplus(minusIn).neg();
        var cdfDelta = plusIn.sigmoid().sub(minusIn.sigmoid());
        var middleIn = inverseScale.mul(centred);
        // Where the bin's mass underflows (a very sharp logistic far from x), the density at the bin's centre times
        // the bin width stands in for it, as in PixelCNN++.
        var logPdfMiddle = middleIn.sub(clamped).sub(F.softplus(middleIn).mul(twoScalar));
        var inner = where(cdfDelta.gt(deltaFloor), cdfDelta.clamp_min(tiny).log(), logPdfMiddle.sub(logHalfBins));
        return where(x.lt(minusEdge), logCdfPlus, where(x.gt(edge), logOneMinusCdfMinus, inner));
    }

    /// <summary>
    /// Values k / 255 in [0, 1]: the logistic's centre rounded to its bin (<paramref name="temperatures"/> 0), or a draw
    /// μ + t·s·logit(u) from <paramref name="uniform"/> with the scale multiplied by the row's temperature t.
    /// <paramref name="temperatures"/> has one entry per row (the first dimension).
    /// </summary>
    public static Tensor Sample(Tensor mean, Tensor logScale, Tensor uniform, Tensor temperatures)
    {
        using var tiny = 1e-6.ToScalar(); // held, not temporary: see Runtime.Scalars
        using var almostOne = (1.0 - 1e-6).ToScalar();
        using var minLogScale = MinLogScale.ToScalar();
        using var minusOne = (-1.0).ToScalar();
        using var oneScalar = 1.0.ToScalar();
        using var halfScalar = 0.5.ToScalar();
        using var levels = 255.0.ToScalar();
        var u = uniform.clamp(tiny, almostOne);
        var logistic = u.log().sub(u.neg().log1p());
        var shape = new long[mean.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var t = temperatures.to(mean.dtype).view(shape);
        var x = mean.add(logScale.clamp_min(minLogScale).exp().mul(logistic).mul(t), Scalars.One).clamp(minusOne, oneScalar);
        // x on [−1, 1] to the nearest of the 256 levels, as k / 255.
        return x.add(oneScalar).mul(halfScalar).mul(levels).round().div(levels);
    }
}
