using System.Net;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

public class StudioCommandTests
{
    [Fact]
    public async Task Studio_without_a_running_host_starts_one_and_prints_the_page_url_with_the_token()
    {
        using var temp = new TempDir();
        var tokenFile = Path.Combine(temp.Path, "host.json");
        using var studio = CliProcess.Start("studio", "--no-browser", "--urls", "http://127.0.0.1:0", "--token-file", tokenFile);
        var url = await studio.ReadLineAsync();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/studio#token=[A-Za-z0-9_-]{43}$", url);
        Assert.Equal(VaeCreative.Client.HostConnection.Read(tokenFile).Token, url!.Split("#token=")[1]);
        using (var http = new HttpClient())
        using (var page = await http.GetAsync(url.Split('#')[0])) // the fragment never goes on the wire
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("VaeCreative Studio", await page.Content.ReadAsStringAsync());
        }
        var (exitCode, stderr) = await studio.StopAsync();
        Assert.Equal(0, exitCode);
        Assert.Contains("open the URL above", stderr);
        Assert.DoesNotContain("Exception", stderr);
    }

    [Fact]
    public async Task Studio_opens_the_page_of_the_host_the_connection_file_names_and_exits()
    {
        await using var host = await RunningHost.Start();
        var result = Support.Cli.Run("studio", "--no-browser", "--token-file", host.TokenFile);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{host.Server.Url.ToString().TrimEnd('/')}/studio#token={host.Server.Token}", result.Stdout.Trim());
        Assert.Contains("is running", result.Stderr);
    }

    [Fact]
    public async Task Studio_moves_to_a_free_port_when_another_program_holds_the_default_one()
    {
        using var temp = new TempDir();
        var port = new Uri(new VaeCreative.Host.Server.ServerOptions().Url).Port;
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        try { taken.Start(); }
        catch (System.Net.Sockets.SocketException) { } // held by something else already: taken either way
        using var studio = CliProcess.Start("studio", "--no-browser", "--token-file", Path.Combine(temp.Path, "host.json"));
        var url = await studio.ReadLineAsync();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/studio#token=", url);
        Assert.NotEqual(port, new Uri(url!).Port);
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url!.Split('#')[0])).StatusCode);
        var (_, stderr) = await studio.StopAsync();
        Assert.Contains("is taken by another program", stderr);
    }
}
