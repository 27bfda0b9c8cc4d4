using static TorchSharp.torch;

namespace VaeCreative.Tests.Support;

public static class TensorExtensions
{
    /// <summary>Same shape, dtype and every element equal.</summary>
    public static bool SameAs(this Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
