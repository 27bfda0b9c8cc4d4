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
