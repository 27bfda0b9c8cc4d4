using VaeCreative.Core.Runtime;
using Xunit;

namespace VaeCreative.Tests.Core.Runtime;

public class NativeHeapTrimmerTests
{
    [Fact]
    public void Trims_once_per_interval_on_linux()
    {
        var trimmer = new NativeHeapTrimmer(interval: 3);
        for (var i = 0; i < 7; i++) trimmer.WorkDone();
        Assert.Equal(OperatingSystem.IsLinux() ? 2 : 0, trimmer.Trims);
    }

    [Fact]
    public void Interval_zero_never_trims()
    {
        var trimmer = new NativeHeapTrimmer(interval: 0);
        for (var i = 0; i < 10; i++) trimmer.WorkDone();
        Assert.Equal(0, trimmer.Trims);
    }

    [Fact]
    public void Negative_interval_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NativeHeapTrimmer(-1));
}
