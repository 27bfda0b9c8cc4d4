using VaeCreative.Host.Server;

namespace VaeCreative.Tests.Host.Server;

public class ServerOptionsTests
{
    [Fact]
    public void Libtorch_gets_one_core_fewer_than_the_machine_unless_told()
    {
        // The HTTP stack and clients on the same machine keep a core (on 2 cores, libtorch on both halved the host's
        // throughput at 1 and 8 clients).
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), new ServerOptions().ServingThreads);
        Assert.Equal(3, new ServerOptions { Threads = 3 }.ServingThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { Threads = -1 }.Validate());
    }
}
