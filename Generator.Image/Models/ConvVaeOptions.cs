using VaeCreative.Core.Models;
using VaeCreative.Core.Validation;

namespace VaeCreative.Image.Models;

/// <summary>Sizes of a <see cref="ConvVae"/> for images of <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
public sealed record ConvVaeOptions
{
    /// <summary>Image channels. Default 1. Range 1–4.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height; must be divisible by 2^(number of conv layers). Default 28.</summary>
    public int Height { get; init; } = 28;

    /// <summary>Image width; must be divisible by 2^(number of conv layers). Default 28.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Output channels of each stride-2 conv layer of the encoder (mirrored in the decoder). Default [32, 64].</summary>
    public int[] ConvChannels { get; init; } = [32, 64];

    /// <summary>Size of z. Default 32.</summary>
    public int LatentSize { get; init; } = 32;

    /// <summary>
    /// How pixels are scored: <see cref="Bernoulli"/> (default; values in [0, 1], for binary or binarised images) or
    /// <see cref="Logistic"/> (a discretised logistic per channel value, for 8-bit colour and alpha).
    /// </summary>
    public string Likelihood { get; init; } = Bernoulli;

    /// <summary><see cref="Likelihood"/> of binary pixels: an independent Bernoulli per value.</summary>
    public const string Bernoulli = "bernoulli";

    /// <summary><see cref="Likelihood"/> of 8-bit values: a discretised logistic per value (<see cref="DiscretizedLogistic"/>).</summary>
    public const string Logistic = "logistic";

    /// <summary>Decoder outputs per image channel: a logit (Bernoulli), or a mean and a log-scale (logistic).</summary>
    internal int ParametersPerChannel => Likelihood == Logistic ? 2 : 1;

    /// <summary>Throws when a size is out of range or the image does not halve cleanly.</summary>
    public ConvVaeOptions Validate()
    {
        Preconditions.InRange(Channels, 1, 4);
        Preconditions.InRange(LatentSize, 1, 8192);
        if (Likelihood is not (Bernoulli or Logistic))
            throw new ArgumentException($"Likelihood must be '{Bernoulli}' or '{Logistic}'; got '{Likelihood}'.");
        if (ConvChannels.Length is < 1 or > 6)
            throw new ArgumentException("ConvChannels must list 1 to 6 layers.");
        foreach (var c in ConvChannels) Preconditions.InRange(c, 1, 4096, "ConvChannels[i]");
        var factor = 1 << ConvChannels.Length;
        if (Height < factor || Width < factor || Height % factor != 0 || Width % factor != 0)
            throw new ArgumentException($"image size {Height}×{Width} must be divisible by {factor} for {ConvChannels.Length} stride-2 layers.");
        return this;
    }
}
