using TorchSharp;

namespace VaeCreative.Core.Runtime;

/// <summary>
/// Scalars that outlive every libtorch call they are passed to.
/// </summary>
/// <remarks>
/// TorchSharp frees a <see cref="Scalar"/>'s native value in its finalizer, and a Scalar made on the fly — a number
/// passed where a Scalar is expected (<c>t * 0.5</c>, <c>t.clamp(0, 1)</c>, <c>full(n, x)</c>) or the alpha of 1
/// that <c>Tensor + Tensor</c> passes — is unreachable while libtorch is still reading it. A garbage collection
/// triggered by another thread at that moment lets the finalizer free it under libtorch: a use after free that
/// surfaced as "value cannot be converted to type float without overflow" in <c>Tensor.add</c> (one request in
/// 10,400 under load), other libtorch errors, or silently wrong numbers. Model code on generation and training
/// paths therefore passes Scalars it holds: <see cref="One"/>, or locals declared with <c>using</c>, which stay
/// reachable until the end of their scope.
/// </remarks>
public static class Scalars
{
    /// <summary>The integer 1: the alpha of a plain tensor addition (<c>a.add(b, Scalars.One)</c> is <c>a + b</c>).</summary>
    public static Scalar One { get; } = 1.ToScalar();
}
