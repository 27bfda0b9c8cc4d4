using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace VaeCreative.Core.Runtime;

/// <summary>
/// Small-batch matrix products with half-precision weights, through FBGEMM (part of libtorch's x86 builds): a weight
/// is converted to fp16 and packed for FBGEMM's kernels once, and every product after that reads the packed copy
/// with fp32 activations and fp32 accumulation.
/// </summary>
/// <remarks>
/// <para>Why: generation multiplies a handful of rows (one per output) by the same weights at every step, and libtorch's
/// fp32 path (MKL's GEMM) repacks the weights at every call. Measured on this repository's 2-core machine, 12 rows by a
/// 16,000 × 192 output layer: 2.4–3.5 ms through <c>linear</c>, 0.9 ms packed. Rounding the weights to fp16 changes a
/// text model's logits by about 10⁻³.</para>
/// <para>TorchSharp does not bind the operators; TorchScript reaches every ATen operator by name, so the products are
/// written as TorchScript source (<see cref="LinearSource"/>) and compiled with <c>torch.jit.compile</c>. libtorch marks
/// the operators deprecated and prints so once per process; the first calls run under
/// <see cref="LibtorchLog.WithoutWarnings{T}"/>.</para>
/// </remarks>
public static class FbgemmFp16
{
    /// <summary>
    /// TorchScript for <c>linear16(x, packed, bias)</c>: x [rows, in] times a packed weight (from <see cref="Pack"/>)
    /// plus bias [out]. Prepend it to a script that calls it.
    /// </summary>
    public const string LinearSource = """
        def linear16(x: Tensor, packed: Tensor, bias: Tensor) -> Tensor:
            return torch.fbgemm_linear_fp16_weight_fp32_activation(x, packed, bias)

        """;

    private const string PackSource = """
        def pack(weight: Tensor) -> Tensor:
            return torch.fbgemm_pack_gemm_matrix_fp16(weight)

        def version(t: Tensor) -> int:
            return t._version()

        """;

    private static readonly Lazy<jit.CompilationUnit?> Packer = new(() =>
    {
        TorchRuntime.EnsureLoaded();
        var unit = jit.compile(PackSource + LinearSource);
        try
        {
            // The deprecation notices, once, and whether this build has FBGEMM at all (libtorch for ARM has not).
            LibtorchLog.WithoutWarnings(() =>
            {
                using var scope = NewDisposeScope();
                var packed = (Tensor)unit.invoke("pack", ones(2, 2))!;
                return (Tensor)unit.invoke("linear16", ones(1, 2), packed, zeros(2))!;
            });
            return unit;
        }
        catch (ExternalException)
        {
            unit.Dispose();
            return null;
        }
    });

    /// <summary>Whether this libtorch build has FBGEMM (x86 builds have; ARM builds have not).</summary>
    public static bool IsAvailable => Packer.Value is not null;

    /// <summary>
    /// <paramref name="weight"/> [out, in] (fp32, CPU) as FBGEMM's packed fp16 matrix: an opaque byte tensor that only
    /// <c>linear16</c> reads. It belongs to no dispose scope; its owner disposes it.
    /// </summary>
    public static Tensor Pack(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2 || weight.dtype != ScalarType.Float32 || weight.device_type != DeviceType.CPU)
            throw new ArgumentException($"FBGEMM packs 2-d fp32 CPU weights; got {weight.dtype} [{string.Join(", ", weight.shape)}] on {weight.device}.");
        var unit = Packer.Value ?? throw new InvalidOperationException("this libtorch build has no FBGEMM (see FbgemmFp16.IsAvailable).");
        using var noGrad = no_grad();
        return ((Tensor)unit.invoke("pack", weight.detach().contiguous())!).DetachFromDisposeScope();
    }

    /// <summary>
    /// The sum of <paramref name="tensors"/>' version counters (libtorch counts every in-place change: an optimiser step,
    /// a loaded state): a copy made from them is current while the sum is unchanged.
    /// </summary>
    public static long Versions(IEnumerable<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var unit = Packer.Value ?? throw new InvalidOperationException("this libtorch build has no FBGEMM (see FbgemmFp16.IsAvailable).");
        long sum = 0;
        foreach (var t in tensors)
        {
            using var version = (Scalar)unit.invoke("version", t)!;
            sum += version.ToInt64();
        }
        return sum;
    }

    /// <summary>
    /// <paramref name="source"/> compiled with <see cref="LinearSource"/> before it (so it may call <c>linear16</c>); null
    /// where FBGEMM is not available. Its first call may print nothing: the notices were printed (or not) already.
    /// </summary>
    public static jit.CompilationUnit? Compile(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return IsAvailable ? jit.compile(LinearSource + source) : null;
    }
}
