namespace VaeCreative.Core.Runtime;

/// <summary>What this machine's CPU offers that changes which settings are fastest.</summary>
public static class CpuFeatures
{
    private static readonly Lazy<bool> BFloat16 = new(DetectBFloat16);

    /// <summary>
    /// True when the CPU computes bfloat16 natively (AVX-512 BF16 or AMX-BF16, read from /proc/cpuinfo on Linux).
    /// Without it bfloat16 inference is emulated and slower than float32; elsewhere this reports false.
    /// </summary>
    public static bool HasNativeBFloat16 => BFloat16.Value;

    private static bool DetectBFloat16()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal))
                    return line.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return false;
    }
}
