namespace VaeCreative.Core.Runtime;

/// <summary>Calls <see cref="NativeHeap.Trim"/> once every <see cref="Interval"/> units of work. Not thread-safe.</summary>
public sealed class NativeHeapTrimmer
{
    private int _sinceTrim;

    /// <summary>Trims after this many calls to <see cref="WorkDone"/> (default 32; 0 turns trimming off).</summary>
    public NativeHeapTrimmer(int interval = 32)
    {
        if (interval < 0) throw new ArgumentOutOfRangeException(nameof(interval), interval, "the trim interval must be 0 (off) or positive.");
        Interval = interval;
    }

    /// <summary>Calls between trims; 0 means never.</summary>
    public int Interval { get; }

    /// <summary>How many trims ran.</summary>
    public long Trims { get; private set; }

    /// <summary>Counts one unit of work and trims when the interval is reached.</summary>
    public void WorkDone()
    {
        if (Interval == 0 || ++_sinceTrim < Interval) return;
        _sinceTrim = 0;
        if (NativeHeap.Trim()) Trims++;
    }
}
