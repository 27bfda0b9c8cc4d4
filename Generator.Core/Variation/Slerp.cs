using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Variation;

/// <summary>Spherical linear interpolation between latent codes (White, 2016), row by row.</summary>
public static class Slerp
{
    /// <summary>
    /// slerp(a, b, t) for rows of <paramref name="a"/> and <paramref name="b"/> (shape [n, d]); t in [0, 1].
    /// Walks the great circle between the directions while interpolating along it, which keeps
    /// intermediate codes at a typical norm for a Gaussian prior instead of shrinking them as a linear mix does.
    /// Falls back to linear interpolation where the rows are (anti)parallel.
    /// </summary>
    public static Tensor Interpolate(Tensor a, Tensor b, double t)
    {
        using var value = t.ToScalar(); // held, not temporary: see Scalars
        var tensorT = full(new long[] { a.shape[0], 1 }, value, dtype: a.dtype, device: a.device);
        return Interpolate(a, b, tensorT);
    }

    /// <summary>slerp with one t per row: <paramref name="t"/> has shape [n, 1].</summary>
    /// <remarks>Rows of more than one dimension (a spatial latent's [channels, height, width]) are slerped as flat vectors.</remarks>
    public static Tensor Interpolate(Tensor a, Tensor b, Tensor t)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException("slerp needs two tensors of the same shape.");
        if (a.dim() > 2) return Interpolate(a.flatten(1), b.flatten(1), t).view(a.shape);
        // Scalars held for the whole call, not made on the fly: see Scalars.
        using var tiny = 1e-12.ToScalar();
        using var minusOne = (-1.0).ToScalar();
        using var one = 1.0.ToScalar();
        using var parallel = 1e-6.ToScalar();
        var aUnit = a / a.norm(1, true).clamp_min(tiny);
        var bUnit = b / b.norm(1, true).clamp_min(tiny);
        var cos = (aUnit * bUnit).sum(1, true).clamp(minusOne, one);
        var omega = cos.acos();
        var sinOmega = omega.sin();
        var nearlyParallel = sinOmega.abs().lt(parallel);
        var safeSin = where(nearlyParallel, ones_like(sinOmega), sinOmega);
        var oneMinusT = t.negative().add(one, Scalars.One);
        var wa = where(nearlyParallel, oneMinusT, (oneMinusT * omega).sin() / safeSin);
        var wb = where(nearlyParallel, t, (t * omega).sin() / safeSin);
        return (wa * a).add(wb * b, Scalars.One);
    }
}
