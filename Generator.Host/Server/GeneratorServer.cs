using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using VaeCreative.Core.Modalities;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Composition;
using VaeCreative.Host.Server.Api;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;
using VaeCreative.Host.Server.Jobs;
using VaeCreative.Host.Server.Security;
using VaeCreative.Host.Server.Studio;

namespace VaeCreative.Host.Server;

/// <summary>
/// The generator host: Kestrel on loopback, bearer-token access, the /v1 API and its OpenAPI document, and the
/// model worker behind a bounded queue. <see cref="StartAsync"/> returns once it listens.
/// </summary>
public sealed class GeneratorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string tokenFile;
    private bool stopped;

    private GeneratorServer(WebApplication app, ServerContext context, Uri url, string token, string tokenFile)
    {
        this.app = app;
        Context = context;
        Url = url;
        Token = token;
        this.tokenFile = tokenFile;
    }

    /// <summary>The URL the host listens on (with the real port when started on port 0).</summary>
    public Uri Url { get; }

    /// <summary>The bearer token.</summary>
    public string Token { get; }

    /// <summary>The shared state (queue, catalog, jobs).</summary>
    public ServerContext Context { get; }

    /// <summary>Starts the host; throws <see cref="ArgumentException"/> for settings it refuses (e.g. a remote address without AllowRemote).</summary>
    public static async Task<GeneratorServer> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var url = CheckUrl(options.Url, options.AllowRemote);
        var tokenFile = Path.GetFullPath(options.TokenFile ?? HostConnection.DefaultPath);
        string? tokenWarning = null;
        var token = HostTokenFile.LoadOrCreate(tokenFile, w => tokenWarning = w);
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(options.ServingThreads);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "vaecreative" });
        builder.Logging.ClearProviders();
        if (options.LoggerProvider is { } provider) builder.Logging.AddProvider(provider);
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // A failed start is thrown to the caller, which says it in one line; the hosting layer's own log of it is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Every connection limit set on purpose (a slow or idle client must not hold a connection for long):
            // ServerOptions documents each value and why.
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            k.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            k.Limits.MinRequestBodyDataRate = new MinDataRate(ServerOptions.MinBodyBytesPerSecond, ServerOptions.BodyRateGracePeriod);
            k.Limits.MaxRequestLineSize = ServerOptions.MaxRequestLineBytes;
            k.Limits.MaxRequestHeadersTotalSize = ServerOptions.MaxRequestHeadersBytes;
            k.Limits.MaxRequestHeaderCount = ServerOptions.MaxRequestHeaderCount;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = HostConnection.JsonOptions.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = HostConnection.JsonOptions.DefaultIgnoreCondition;
            // Numbers are JSON numbers, as RequestBody reads them; the web default (AllowReadingFromString) would make
            // the OpenAPI document declare every number as integer|string with a pattern.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddOpenApi(OpenApiContract.Configure);

        var bundled = HostServices.BundledModelsDirectory;
        HostServices.AddGenerator(builder.Services, null, options.Modalities);
        var roots = new List<string>();
        if (options.ModelsDirectory is { } user)
        {
            Directory.CreateDirectory(user);
            roots.Add(Path.GetFullPath(user));
        }
        roots.Add(bundled);
        builder.Services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<ModelStore>();
            var modalities = sp.GetRequiredService<ModalityRegistry>();
            var defaults = new Dictionary<string, string>();
            foreach (var m in modalities.All)
                if (store.DefaultDirectory(m.Name) is { } d) defaults[m.Name] = d;
            var catalog = new ModelCatalog(roots, defaults, store.Kinds);
            var queue = new GenerationQueue(options);
            return new ServerContext(options, catalog, store, modalities, queue,
                new HostJobs(options.ModelsDirectory is null ? null : roots[0], catalog, modalities, store, queue, options,
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger("vaecreative")), options.Precision);
        });

        var app = builder.Build();
        var context = app.Services.GetRequiredService<ServerContext>();
        var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("vaecreative");
        if (tokenWarning is not null) startLog.LogWarning("{Warning}", tokenWarning);
        foreach (var leftover in context.Jobs.RemoveLeftovers())
            startLog.LogInformation("removed {Folder}, left by a host that stopped during training", leftover);
        app.Use(HandleErrors);
        app.Use(new AccessPolicy(token, options.AllowRemote).InvokeAsync);
        var v1 = app.MapGroup("/v1");
        HostEndpoints.Map(v1);
        GenerationEndpoints.Map(v1);
        JobEndpoints.Map(v1);
        StudioEndpoints.Map(app, v1);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.Lifetime.ApplicationStopping.Register(() => context.Queue.Complete(TimeSpan.FromSeconds(10)));

        try { await app.StartAsync(cancellationToken); }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new AddressInUseException(url);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        HostTokenFile.RecordUrl(tokenFile, token, bound.ToString().TrimEnd('/'));
        return new GeneratorServer(app, context, bound, token, tokenFile);
    }

    /// <summary>Completes when the host stops (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops taking requests, finishes queued work, cancels training jobs, clears the URL from the connection file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stopped) return;
        stopped = true;
        await app.StopAsync();
        Context.Queue.Dispose();
        Context.Jobs.Dispose();
        try { HostTokenFile.RecordUrl(tokenFile, Token, null); }
        catch (IOException) { }
        await app.DisposeAsync();
    }

    private static string CheckUrl(string url, bool allowRemote)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
            throw new ArgumentException($"--urls must be an http URL such as http://127.0.0.1:5117; got '{url}'.");
        if (!allowRemote && !AccessPolicy.IsLoopbackHost(uri.Host))
            throw new ArgumentException($"'{url}' is not a loopback address; pass --allow-remote to serve other machines (every request still needs the token).");
        return url;
    }

    /// <summary>
    /// Turns every failure into a problem+json answer and one log line: client faults (bad bodies, bad input, a client
    /// that stalls) are logged without a stack; a bug is logged once with its stack and answered 500 with only a
    /// pointer to the log, so neither its type nor its message reaches the client.
    /// </summary>
    internal static async Task HandleErrors(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
            // Routing's own refusals come without a body; give them problem details like every other error.
            if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405 or 415)
                await Answer(context, context.Response.StatusCode switch
                {
                    404 => new ProblemException(404, ProblemTypes.NotFound, "Not found", $"no endpoint {context.Request.Path}; the API is under /v1 (see /openapi/v1.json)."),
                    405 => new ProblemException(405, ProblemTypes.NotFound, "Method not allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}."),
                    _ => Problems.BadRequest($"send the body as JSON with 'Content-Type: application/json' (got '{context.Request.ContentType}').", 415),
                });
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            Log(context).LogInformation("{Method} {Path}: the client left before the answer ({Reason}; request id {RequestId})",
                context.Request.Method, context.Request.Path, e.Message.Split('\n')[0], RequestIds.Current(context));
        }
        catch (ProblemException p) { await Answer(context, p); }
        catch (BadHttpRequestException e) { await Answer(context, Problems.FromUnreadableBody(e, context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)); }
        catch (MaterialException e) { await Answer(context, e.OverLimit ? Problems.LimitExceeded(e.Message) : Problems.BadSeed(e.Message)); }
        catch (ModelLoadException e) { await Answer(context, new ProblemException(500, ProblemTypes.Internal, "Model failed to load", e.Message)); }
        catch (ArgumentException e) { await Answer(context, Problems.BadRequest(e)); }
        catch (NotSupportedException e) { await Answer(context, Problems.BadRequest(e.Message)); }
        catch (Exception e)
        {
            var id = RequestIds.Current(context);
            Log(context).LogError(e, "{Method} {Path} failed (request id {RequestId})", context.Request.Method, context.Request.Path, id);
            await Problems.Write(context, Problems.Internal(id));
        }
    }

    /// <summary>Writes the problem and logs it as one line.</summary>
    private static Task Answer(HttpContext context, ProblemException problem)
    {
        Log(context).LogInformation("{Method} {Path} -> {Status} {Type}: {Detail} (request id {RequestId})", context.Request.Method, context.Request.Path,
            problem.Status, problem.Type, problem.Message, RequestIds.Current(context));
        return Problems.Write(context, problem);
    }

    private static ILogger Log(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("vaecreative");
}
