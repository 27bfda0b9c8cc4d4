using System.Runtime.InteropServices;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Runtime;

/// <summary>Denormal floats are flushed to zero on threads that do model work (they ran a training run 3× slower).</summary>
public class TorchRuntimeDenormalsTests
{
    [Fact]
    public void A_thread_that_sets_its_threads_treats_denormals_as_zero_and_so_do_the_threads_it_starts()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // the flag is x86's MXCSR
        float own = -1, started = -1;
        // A fresh thread of its own: the mode is per thread, and other tests' threads must not see a change made here.
        var worker = new Thread(() =>
        {
            TorchRuntime.SetThreads(1);
            own = Product();
            var child = new Thread(() => started = Product());
            child.Start();
            child.Join();
        });
        worker.Start();
        worker.Join();
        Assert.Equal(0f, own);
        Assert.Equal(0f, started);
        Assert.True(Product(1e-30f) > 0, "a normal float was flushed");
    }

    /// <summary>A denormal (1e-39 is below float's 1.18e-38) times one, computed by libtorch.</summary>
    private static float Product(float value = 1e-39f)
    {
        using var scope = NewDisposeScope();
        return tensor(new[] { value }).mul(tensor(new[] { 1f })).item<float>();
    }
}
