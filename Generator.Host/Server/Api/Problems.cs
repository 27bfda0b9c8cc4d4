using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Host.Server.Api;

/// <summary>An error answer: thrown anywhere in request handling, written as RFC 7807 problem+json.</summary>
public sealed class ProblemException(int status, string type, string title, string detail, TimeSpan? retryAfter = null) : Exception(detail)
{
    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>Stable type URI (<see cref="ProblemTypes"/>).</summary>
    public string Type { get; } = type;

    /// <summary>Short summary of the cause.</summary>
    public string Title { get; } = title;

    /// <summary>Seconds for the Retry-After header (429/503).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The host's problems, one factory per cause, and the writer.</summary>
public static class Problems
{
    /// <summary>401.</summary>
    public static ProblemException Unauthorized(string detail) => new(401, ProblemTypes.Unauthorized, "Unauthorised", detail);

    /// <summary>403.</summary>
    public static ProblemException ForbiddenOrigin(string detail) => new(403, ProblemTypes.ForbiddenOrigin, "Forbidden origin", detail);

    /// <summary>404 for a model.</summary>
    public static ProblemException UnknownModel(string id, IEnumerable<string> known) =>
        new(404, ProblemTypes.UnknownModel, "Unknown model", $"no model '{id}'; available: {string.Join(", ", known)}.");

    /// <summary>404 for a job.</summary>
    public static ProblemException UnknownJob(string id) => new(404, ProblemTypes.UnknownJob, "Unknown job", $"no job '{id}'.");

    /// <summary>400 for unusable seed material.</summary>
    public static ProblemException BadSeed(string detail) => new(400, ProblemTypes.BadSeed, "Bad seed", detail);

    /// <summary>400 for a missing or out-of-range parameter or malformed JSON (415 for a body that is not JSON).</summary>
    public static ProblemException BadRequest(string detail, int status = 400) => new(status, ProblemTypes.BadRequest, "Bad request", detail);

    /// <summary>400 for an argument check that failed: its message's first line, without .NET's "(Parameter …)" suffix.</summary>
    public static ProblemException BadRequest(ArgumentException e) => BadRequest(e.Message.Split('\n')[0].Split(" (Parameter")[0]);

    /// <summary>A limit exceeded: 413 for the body, 400 otherwise.</summary>
    public static ProblemException LimitExceeded(string detail, int status = 400) => new(status, ProblemTypes.LimitExceeded, "Limit exceeded", detail);

    /// <summary>408: the request did not arrive in time.</summary>
    public static ProblemException RequestTimeout(string detail) => new(408, ProblemTypes.RequestTimeout, "Request timeout", detail);

    /// <summary>The problem for a body Kestrel could not read: 413 too large, 408 too slow, 400 malformed (chunking, truncation).</summary>
    public static ProblemException FromUnreadableBody(BadHttpRequestException e, long maxBytes) => e.StatusCode switch
    {
        413 => LimitExceeded($"the body is larger than this host's limit of {maxBytes} bytes.", 413),
        408 => RequestTimeout($"the body arrived too slowly (under {ServerOptions.MinBodyBytesPerSecond:0} bytes/s); it was cut off."),
        _ => BadRequest($"the body could not be read: {LowerFirst(e.Message.TrimEnd('.'))}."),
    };

    /// <summary>500 for a bug: says where to look, never what broke (exception names and messages stay in the host's log).</summary>
    public static ProblemException Internal(string requestId) =>
        new(500, ProblemTypes.Internal, "Internal error", $"internal error, see the host log (request id {requestId}).");

    /// <summary>429: queue full.</summary>
    public static ProblemException Overloaded(int capacity) =>
        new(429, ProblemTypes.Overloaded, "Overloaded", $"all {capacity} queue places are taken; retry later.", TimeSpan.FromSeconds(1));

    /// <summary>503: shutting down.</summary>
    public static ProblemException Unavailable() =>
        new(503, ProblemTypes.Unavailable, "Unavailable", "the host is shutting down.", TimeSpan.FromSeconds(5));

    /// <summary>504: the deadline passed while the request waited.</summary>
    public static ProblemException DeadlineExceeded(TimeSpan timeout) =>
        new(504, ProblemTypes.DeadlineExceeded, "Deadline exceeded", $"the request did not finish within {timeout.TotalMilliseconds:0} ms; its work was stopped.");

    /// <summary>409.</summary>
    public static ProblemException Conflict(string detail) => new(409, ProblemTypes.Conflict, "Conflict", detail);

    /// <summary>503: the request asked for previews this host cannot make.</summary>
    public static ProblemException PreviewUnavailable(string detail) => new(503, ProblemTypes.PreviewUnavailable, "Preview unavailable", detail);

    /// <summary>
    /// Writes <paramref name="problem"/> as the response (status, Retry-After, problem+json body); does nothing when the
    /// response has started or the client has left.
    /// </summary>
    public static async Task Write(HttpContext context, ProblemException problem)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return;
        context.Response.StatusCode = problem.Status;
        if (problem.RetryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        context.Response.ContentType = "application/problem+json";
        var body = new Problem
        {
            Type = problem.Type,
            Title = problem.Title,
            Status = problem.Status,
            Detail = problem.Message,
            RequestId = context.Items.TryGetValue(RequestIds.ItemKey, out var id) ? id as string : null,
        };
        try { await JsonSerializer.SerializeAsync(context.Response.Body, body, HostConnection.JsonOptions, context.RequestAborted); }
        catch (Exception e) when (e is OperationCanceledException or IOException) { } // the client left while we answered
    }

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
}

/// <summary>Per-request ids: the caller's (body or X-Request-Id header) or a new one, echoed in X-Request-Id.</summary>
public static class RequestIds
{
    /// <summary>HttpContext.Items key.</summary>
    public const string ItemKey = "vaecreative.requestId";

    /// <summary>Header name.</summary>
    public const string Header = "X-Request-Id";

    /// <summary>Sets the request's id (validated: 1–128 printable ASCII characters) and echoes it.</summary>
    public static string Assign(HttpContext context, string? fromBody)
    {
        var id = fromBody ?? context.Request.Headers[Header].FirstOrDefault();
        if (id is not null && (id.Length is 0 or > 128 || id.Any(c => c < 0x21 || c > 0x7e)))
            throw Problems.BadRequest("requestId must be 1–128 printable ASCII characters without spaces.");
        id ??= Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        if (!context.Response.HasStarted) context.Response.Headers[Header] = id;
        return id;
    }

    /// <summary>The request's id, assigning a new one when the request has none yet (a valid X-Request-Id header is kept).</summary>
    public static string Current(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var id) && id is string known) return known;
        try { return Assign(context, null); }
        catch (ProblemException) { return Assign(context, Guid.NewGuid().ToString("N")); }
    }
}
