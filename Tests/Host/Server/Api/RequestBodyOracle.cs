using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server.Api;

namespace VaeCreative.Tests.Host.Server.Api;

/// <summary>
/// What the JSON-body fuzzer checks of one input (<see cref="JsonBodyMutator"/>): it is parsed as every request type the
/// host reads, and each parse must bind or be refused with the parser's own client fault — a
/// <see cref="ProblemException"/> of 400 <c>bad-request</c> whose detail names no .NET type. Anything else is thrown.
/// Shared by RequestBodyFuzzTests and bench/fuzz.sh --target request-body (which links this file).
/// </summary>
public static class RequestBodyOracle
{
    /// <summary>The outcome's kind: the distinct kinds of the four parses ("ok", or the refusal's kind), joined.</summary>
    public static string Parse(byte[] input) => string.Join(" | ", new[]
    {
        Outcome(() => RequestBody.Parse<VariationsRequest>(input)),
        Outcome(() => RequestBody.Parse<InterpolationsRequest>(input)),
        Outcome(() => RequestBody.Parse<SamplesRequest>(input)),
        Outcome(() => RequestBody.Parse<JobRequest>(input)),
    }.Distinct().Order(StringComparer.Ordinal));

    private static string Outcome(Func<object> parse)
    {
        try
        {
            parse();
            return "ok";
        }
        catch (ProblemException p)
        {
            if (p.Status != 400 || p.Type != ProblemTypes.BadRequest)
                throw new InvalidOperationException($"refused with {p.Status} {p.Type}, not 400 bad-request: {p.Message}");
            foreach (var leak in new[] { "System.", "VaeCreative.", "Exception", "Int32", "Int64", "LineNumber", "BytePosition" })
                if (p.Message.Contains(leak, StringComparison.Ordinal))
                    throw new InvalidOperationException($"the refusal names .NET ('{leak}'): {p.Message}");
            return Kind(p.Message);
        }
    }

    /// <summary>A refusal's kind, from the start of its detail.</summary>
    private static string Kind(string detail) =>
        detail.StartsWith("the body is not valid UTF-8", StringComparison.Ordinal) ? "not UTF-8"
        : detail.StartsWith("the body is not valid JSON", StringComparison.Ordinal) ? "not JSON"
        : detail.StartsWith("the body must be a JSON object", StringComparison.Ordinal) ? "not an object"
        : detail.StartsWith("unknown field", StringComparison.Ordinal) ? "unknown field"
        : detail.StartsWith("duplicate", StringComparison.Ordinal) ? "duplicate field"
        : detail.Contains("lone surrogate", StringComparison.Ordinal) ? "lone surrogate"
        : detail.StartsWith('`') && detail.Contains("` must be", StringComparison.Ordinal) ? "wrong kind"
        : "other: " + (detail.Length > 40 ? detail[..40] : detail);
}
