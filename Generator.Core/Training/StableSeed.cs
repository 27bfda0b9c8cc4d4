namespace VaeCreative.Core.Training;

/// <summary>
/// Derives seeds that are the same in every process, machine and .NET version (unlike
/// <see cref="HashCode"/> and <see cref="string.GetHashCode()"/>, which .NET randomises per process).
/// Built on SplitMix64's finaliser (Steele, Lea &amp; Flood 2014), which spreads nearby inputs
/// (seed 1 vs 2, step 7 vs 8) over unrelated outputs.
/// </summary>
public static class StableSeed
{
    /// <summary>Stream of the per-epoch data order.</summary>
    public const long DataOrder = 0xda7a;

    /// <summary>Stream of the per-step data augmentation.</summary>
    public const long Augmentation = 0x5eed;

    /// <summary>Stream of the per-step sampling (reparameterisation, scheduled sampling).</summary>
    public const long Sampling = 0x5a3b;

    private const ulong Golden = 0x9e3779b97f4a7c15;

    /// <summary>SplitMix64: the output for state <paramref name="state"/> (the state is advanced by the golden gamma first).</summary>
    public static ulong Mix(ulong state)
    {
        var z = unchecked(state + Golden);
        z = unchecked((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9);
        z = unchecked((z ^ (z >> 27)) * 0x94d049bb133111eb);
        return z ^ (z >> 31);
    }

    /// <summary>A 64-bit seed for item <paramref name="index"/> (a step, an epoch) of <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static long Derive(long seed, long stream, long index) =>
        unchecked((long)Mix(Mix(Mix((ulong)seed) ^ (ulong)stream) ^ (ulong)index));

    /// <summary>As <see cref="Derive"/>, folded to a non-negative 31-bit seed for <see cref="Random(int)"/>.</summary>
    public static int DeriveInt32(long seed, long stream, long index) =>
        (int)((ulong)Derive(seed, stream, index) >> 33);
}
