using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Client;

public class HostConnectionTests
{
    [Fact]
    public async Task A_connection_file_left_by_a_host_that_is_gone_says_so()
    {
        using var temp = new TempDir();
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync();
        var file = temp.File("host.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new HostConnection { Token = "t", Url = "http://127.0.0.1:5117", Pid = exited.Id }, HostConnection.JsonOptions));
        var e = Assert.Throws<VaeCreativeException>(() => VaeCreativeClient.FromConnectionFile(file));
        Assert.Equal($"the host recorded in {file} (pid {exited.Id}) is not running; start it with `vaecreative serve`.", e.Message);

        File.WriteAllText(file, JsonSerializer.Serialize(new HostConnection { Token = "t", Url = "http://127.0.0.1:5117", Pid = Environment.ProcessId }, HostConnection.JsonOptions));
        using var client = VaeCreativeClient.FromConnectionFile(file);
        Assert.Equal(new Uri("http://127.0.0.1:5117/"), client.BaseUrl);
        Assert.False(HostConnection.IsProcessRunning(exited.Id));
        Assert.True(HostConnection.IsProcessRunning(Environment.ProcessId));
    }
}
