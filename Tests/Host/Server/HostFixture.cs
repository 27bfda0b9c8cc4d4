using VaeCreative.Client;
using VaeCreative.Host.Server;

namespace VaeCreative.Tests.Host.Server;

/// <summary>A real host on a loopback ephemeral port with its own token file, models folder and outputs folder (all in <see cref="Folder"/>).</summary>
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

    /// <summary>The folder augment jobs write below (the host's <c>--outputs</c>); made when a job first writes there.</summary>
    public string OutputsFolder => Path.Combine(Folder, "outputs");
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
            OutputsDirectory = Path.Combine(folder, "outputs"),
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

    /// <summary>
    /// Posts a body the host refuses unread (over its size limit) without racing the upload: with Expect: 100-continue
    /// and no practical timeout on it, the client sends the headers, and the body only if the host asks for it. A plain
    /// POST can lose the host's 413 to a connection reset when the host answers and closes while the body is still in
    /// flight, which happens under load.
    /// </summary>
    public async Task<HttpResponseMessage> PostRefusedBody(string path, string json)
    {
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = Server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        request.Headers.Authorization = new("Bearer", Server.Token);
        return await http.SendAsync(request); // the answer is buffered: it outlives the client
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
