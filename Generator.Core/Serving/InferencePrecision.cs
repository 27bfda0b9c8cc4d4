namespace VaeCreative.Core.Serving;

/// <summary>Floating-point precision for inference.</summary>
public enum InferencePrecision
{
    /// <summary>float32, as trained.</summary>
    Float32,

    /// <summary>bfloat16 weights and activations: faster on CPUs with AVX-512 BF16 (and on GPUs); check accuracy with <c>eval --precision bf16</c>.</summary>
    BFloat16,
}
