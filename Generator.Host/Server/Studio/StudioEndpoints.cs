using System.Security.Cryptography;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Modalities;
using VaeCreative.Host.Server.Api;
using VaeCreative.Host.Composition;

namespace VaeCreative.Host.Server.Studio;

/// <summary>
/// The studio page: its static files (embedded in this assembly, served without a token so the browser can load the
/// page that then reads the token from the URL's fragment) and <c>GET /v1/modalities/{name}/demo-seed</c> (token
/// needed), the bundled seed the page's "demo seed" buttons load.
/// </summary>
public static class StudioEndpoints
{
    /// <summary>Where the page lives; <c>/studio#token=…</c> opens it with the token.</summary>
    public const string PagePath = "/studio";

    /// <summary>
    /// The page's address with a trailing slash, which answers a redirect to <see cref="PagePath"/> (no content; the
    /// browser keeps the <c>#token=…</c> fragment across it). <see cref="Security.AccessPolicy.IsPublic"/> lets it through.
    /// </summary>
    public const string SlashPath = PagePath + "/";

    /// <summary>
    /// Every file the page serves, path → (embedded resource, media type). <see cref="Security.AccessPolicy.IsPublic"/>
    /// lets exactly these paths through without a token.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Resource, string MediaType)> Files =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [PagePath] = ("studio/index.html", "text/html; charset=utf-8"),
            [PagePath + "/app.js"] = ("studio/app.js", "text/javascript; charset=utf-8"),
            [PagePath + "/studio.css"] = ("studio/studio.css", "text/css; charset=utf-8"),
        };

    /// <summary>
    /// The page's Content-Security-Policy: scripts and styles only from its own files (no inline script or style),
    /// API calls only to this host, previews and downloads as blob: URLs, no frames, forms or plugins.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Lazy<IReadOnlyDictionary<string, (byte[] Bytes, string ETag)>> Contents = new(Load);

    /// <summary>Maps the page's files onto <paramref name="app"/> and the demo-seed endpoint onto <paramref name="v1"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder v1)
    {
        foreach (var (path, (_, mediaType)) in Files)
            app.MapGet(path, (HttpContext context) => Serve(context, path, mediaType)).ExcludeFromDescription();
        v1.MapGet("/modalities/{name}/demo-seed", DemoSeed)
            .Produces<Client.Contracts.Material>().ProducesProblems(404).WithTags("host")
            .WithSummary("The bundled demo seed of a modality (the one 'vaecreative demo' varies), as material.").WithName("GetDemoSeed");
    }

    private static Task Serve(HttpContext context, string path, string mediaType)
    {
        // Routing ignores a trailing slash, so /studio/ arrives here: send the browser to the page's one address
        // (relative links such as /studio/app.js are absolute, but one address keeps the page's storage in one place).
        if (path == PagePath && context.Request.Path.Value == SlashPath)
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = PagePath;
            context.Response.Headers.CacheControl = "no-cache";
            return Task.CompletedTask;
        }
        var (bytes, etag) = Contents.Value[path];
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        // Revalidate every time (a new build must show its page at once), answered 304 when unchanged.
        headers.CacheControl = "no-cache";
        headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = mediaType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private static IReadOnlyDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(StudioEndpoints).Assembly;
        var loaded = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var (path, (resource, _)) in Files)
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"the studio file '{resource}' is not embedded in {assembly.GetName().Name}.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            loaded[path] = (bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        return loaded;
    }

    /// <summary>The modality's demo seed (<see cref="DemoSeeds"/>) as material; 404 when this build has none.</summary>
    private static Client.Contracts.Material DemoSeed(string name, ServerContext host)
    {
        var modality = host.Modalities.All.FirstOrDefault(m => m.Name == name)
            ?? throw new ProblemException(404, ProblemTypes.NotFound, "Unknown modality", $"no modality '{name}'; this host serves {host.Modalities.Names}.");
        var path = DemoSeeds.Find(modality)
            ?? throw new ProblemException(404, ProblemTypes.NotFound, "No demo seed", $"this build has no demo seed for {name} (samples/seed-{name}.* next to the executable).");
        // The seed ships with the host: one it cannot read is the host's fault, not the caller's.
        try { return MaterialMapping.ToContract(DemoSeeds.Read(modality, path)); }
        catch (MaterialException e) { throw new ProblemException(500, ProblemTypes.Internal, "Demo seed unreadable", $"the demo seed '{path}' cannot be read: {e.Message}"); }
    }
}
