using System.Diagnostics;
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RepoPaths.CliDll, "studio", "--no-browser", "--urls", "http://127.0.0.1:0", "--token-file", tokenFile })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/studio#token=[A-Za-z0-9_-]{43}$", url);
            Assert.Equal(VaeCreative.Client.HostConnection.Read(tokenFile).Token, url!.Split("#token=")[1]);
            using var http = new HttpClient();
            using var page = await http.GetAsync(url.Split('#')[0]); // the fragment never goes on the wire
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("VaeCreative Studio", await page.Content.ReadAsStringAsync());
        }
        finally
        {
            if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        }
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the studio's host did not stop on SIGTERM");
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("open the URL above", await stderr);
        Assert.DoesNotContain("Exception", await stderr);
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RepoPaths.CliDll, "studio", "--no-browser", "--token-file", Path.Combine(temp.Path, "host.json") })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/studio#token=", url);
            Assert.NotEqual(port, new Uri(url!).Port);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url!.Split('#')[0])).StatusCode);
        }
        finally
        {
            if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        }
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the studio's host did not stop on SIGTERM");
        Assert.Contains("is taken by another program", await stderr);
    }
}
