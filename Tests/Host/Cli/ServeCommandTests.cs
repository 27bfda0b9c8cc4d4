using VaeCreative.Client;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

public class ServeCommandTests
{
    [Fact]
    public async Task Serve_prints_its_url_first_answers_a_client_and_stops_cleanly_on_sigterm()
    {
        using var temp = new TempDir();
        var tokenFile = Path.Combine(temp.Path, "host.json");
        using var serve = CliProcess.Start("serve", "--urls", "http://127.0.0.1:0", "--token-file", tokenFile, "--threads", "2");
        var first = await serve.ReadLineAsync();
        Assert.StartsWith("listening on http://127.0.0.1:", first);
        using (var client = VaeCreativeClient.FromConnectionFile(tokenFile))
        {
            Assert.Equal(first!["listening on ".Length..], client.BaseUrl.ToString().TrimEnd('/'));
            var outputs = await client.VaryMidiAsync("melody-2bar", File.ReadAllBytes(RepoPaths.SeedMelody), count: 2);
            Assert.Equal(2, outputs.Count);
        }
        var (exitCode, stderr) = await serve.StopAsync();
        Assert.Equal(0, exitCode);
        Assert.Null(HostConnection.Read(tokenFile).Url); // the URL is cleared at shutdown, the token kept
        Assert.DoesNotContain("Exception", stderr);
    }

    [Fact]
    public void A_non_loopback_address_without_allow_remote_is_refused_with_one_line()
    {
        using var temp = new TempDir();
        var result = Support.Cli.Run("serve", "--urls", "http://0.0.0.0:0", "--token-file", Path.Combine(temp.Path, "host.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.Contains("--allow-remote", result.Stderr);
    }

    [Fact]
    public void An_address_another_program_holds_is_refused_with_one_line()
    {
        using var temp = new TempDir();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var result = Support.Cli.Run("serve", "--urls", $"http://127.0.0.1:{port}", "--token-file", Path.Combine(temp.Path, "host.json"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: http://127.0.0.1:{port} is in use by another program; stop it, or pick another address with --urls (port 0: any free port).",
            Assert.Single(result.StderrLines));
    }
}
