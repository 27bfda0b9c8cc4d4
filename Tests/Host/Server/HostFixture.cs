using VaeCreative.Client;
using VaeCreative.Host.Server;

namespace VaeCreative.Tests.Host.Server;

/// <summary>A real host on a loopback ephemeral port with its own token file and models folder.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private RunningHost(GeneratorServer server, string folder)
    {
        Server = server;
        Folder = folder;
        Client = new VaeCreativeClient(server.Url, server.Token, options: new VaeCreativeClientOptions { MaxRetries = 0 });
    }

    public GeneratorServer Server { get; }
    public string Folder { get; }
    public string TokenFile => Path.Combine(Folder, "host.json");
    public string ModelsFolder => Path.Combine(Folder, "models");
    public VaeCreativeClient Client { get; }

    public static async Task<RunningHost> Start(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vaecreative-host-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var options = new ServerOptions
        {
            Url = "http://127.0.0.1:0",
            TokenFile = Path.Combine(folder, "host.json"),
            ModelsDirectory = Path.Combine(folder, "models"),
            Threads = 2,
        };
        var server = await GeneratorServer.StartAsync(configure?.Invoke(options) ?? options);
        return new RunningHost(server, folder);
    }

    public HttpClient RawHttp(bool withToken = true)
    {
        var http = new HttpClient { BaseAddress = Server.Url };
        if (withToken) http.DefaultRequestHeaders.Authorization = new("Bearer", Server.Token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>One host shared by the tests that do not change its state.</summary>
public sealed class SharedHost : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.Start();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
