using System.Runtime.InteropServices;
using VaeCreative.Core.Runtime;

namespace VaeCreative.Tests.Core.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Load_failures_are_told_apart_from_errors_of_a_loaded_libtorch()
    {
        Assert.True(TorchRuntime.IsLoadFailure(new DllNotFoundException("Unable to load shared library 'LibTorchSharp'")));
        Assert.True(TorchRuntime.IsLoadFailure(new TypeInitializationException("TorchSharp.torch",
            new NotSupportedException("This application uses TorchSharp but doesn't contain a reference to libtorch-cpu"))));
        Assert.True(TorchRuntime.IsLoadFailure(new InvalidOperationException("version `GLIBCXX_3.4.32' not found")));
        // A runtime error of libtorch names its files in the backtrace; it is not a load failure.
        Assert.False(TorchRuntime.IsLoadFailure(new ExternalException(
            "Input type (float) and bias type (c10::BFloat16) should be the same\nframe #0: c10::Error::Error (libtorch_cpu.so)")));
    }
}
