using System.Net;
using System.Security.Cryptography;
using System.Text;
using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server.Api;
using VaeCreative.Host.Server.Studio;

namespace VaeCreative.Host.Server.Security;

/// <summary>
/// Who may call the host. Requests whose Origin or Host names a non-loopback site are refused (403), so a web page
/// cannot drive a local host (DNS rebinding, cross-site fetches); every endpoint but health and the studio page's
/// static files needs the bearer token (401).
/// </summary>
public sealed class AccessPolicy(string token, bool allowRemote)
{
    private readonly byte[] tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Paths that answer without a token: health, the studio page's own files and <c>/studio/</c>, which only redirects
    /// to the page (exactly those paths, compared ordinally; the page then calls the API with the token it reads from
    /// its URL's fragment).
    /// </summary>
    public static bool IsPublic(PathString path) =>
        path.Equals("/v1/health", StringComparison.OrdinalIgnoreCase)
        || (path.Value is { } value && (StudioEndpoints.Files.ContainsKey(value) || value == StudioEndpoints.SlashPath));

    /// <summary>The middleware.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!allowRemote && !IsLoopbackHost(request.Host.Host))
        {
            await Problems.Write(context, Problems.ForbiddenOrigin($"the Host header '{request.Host}' is not a loopback name; the host only answers local clients (start it with --allow-remote to change that)."));
            return;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsLoopbackOrigin(origin))
        {
            await Problems.Write(context, Problems.ForbiddenOrigin($"requests from the web origin '{origin}' are refused."));
            return;
        }
        if (!IsPublic(request.Path) && !HasToken(request.Headers.Authorization.ToString()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Write(context, Problems.Unauthorized(request.Headers.Authorization.Count == 0
                ? "send 'Authorization: Bearer TOKEN'; the token is in the host's connection file."
                : "the bearer token is wrong."));
            return;
        }
        await next(context);
    }

    private bool HasToken(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Compare fixed-length hashes in constant time: neither the content nor the length of the token leaks.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, tokenHash);
    }

    /// <summary>
    /// localhost, *.localhost (RFC 6761 reserves both for loopback; one trailing dot, the absolute form, is allowed),
    /// 127.0.0.0/8 or ::1. Any other name, even one that starts like a loopback address, is not.
    /// </summary>
    public static bool IsLoopbackHost(string host)
    {
        if (host.Length == 0) return false;
        if (host.StartsWith('[')) return host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6) && IPAddress.IsLoopback(v6);
        if (IPAddress.TryParse(host, out var ip)) return IPAddress.IsLoopback(ip);
        var name = host.EndsWith('.') ? host[..^1] : host;
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A browser's Origin is exactly <c>scheme://host[:port]</c>; anything else (user info such as
    /// <c>http://attacker.com@127.0.0.1</c>, a path, <c>null</c> from sandboxed frames and files) is refused.
    /// </summary>
    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.UserInfo.Length == 0 && !origin.Contains('@') && uri.PathAndQuery == "/" && uri.Fragment.Length == 0
        && !origin.EndsWith('/') && IsLoopbackHost(uri.Host);
}
