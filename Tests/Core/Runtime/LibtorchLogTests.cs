using System.Runtime.InteropServices;
using VaeCreative.Core.Runtime;

namespace VaeCreative.Tests.Core.Runtime;

public class LibtorchLogTests
{
    [Fact]
    public void The_threshold_is_raised_to_errors_while_work_runs_and_put_back_after()
    {
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64) Assert.NotNull(LibtorchLog.Level);
        if (LibtorchLog.Level is not { } before) return;
        Assert.Equal(Math.Max(before, 2), LibtorchLog.WithoutWarnings(() => LibtorchLog.Level));
        Assert.Equal(before, LibtorchLog.Level);
        Assert.Throws<InvalidOperationException>(() => LibtorchLog.WithoutWarnings<int>(() => throw new InvalidOperationException("x")));
        Assert.Equal(before, LibtorchLog.Level);
        // Nested (the lock is re-entrant): the outer call puts back what it found.
        Assert.Equal(7, LibtorchLog.WithoutWarnings(() => LibtorchLog.WithoutWarnings(() => 7)));
        Assert.Equal(before, LibtorchLog.Level);
    }
}
