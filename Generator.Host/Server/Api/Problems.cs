using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Host.Server.Api;

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
