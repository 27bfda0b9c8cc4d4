using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Models;

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

    /// <summary>Throws when a size is out of range or the image does not halve cleanly.</summary>
    public ConvVaeOptions Validate()
    {
        Preconditions.InRange(Channels, 1, 4);
        Preconditions.InRange(LatentSize, 1, 8192);
        if (ConvChannels.Length is < 1 or > 6)
            throw new ArgumentException("ConvChannels must list 1 to 6 layers.");
        foreach (var c in ConvChannels) Preconditions.InRange(c, 1, 4096, "ConvChannels[i]");
        var factor = 1 << ConvChannels.Length;
        if (Height < factor || Width < factor || Height % factor != 0 || Width % factor != 0)
            throw new ArgumentException($"image size {Height}×{Width} must be divisible by {factor} for {ConvChannels.Length} stride-2 layers.");
        return this;
    }
}
