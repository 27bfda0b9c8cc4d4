#nullable enable
using System;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Client
{
    /// <summary>A request to the host failed: the host answered with a problem, or could not be reached.</summary>
    public sealed class VaeCreativeException : Exception
    {
        /// <summary>A failure without an HTTP answer (no host, damaged connection file …).</summary>
        public VaeCreativeException(string message, Exception? inner = null) : base(message, inner) { }

        /// <summary>A problem answer from the host.</summary>
        public VaeCreativeException(int status, Problem problem)
            : base($"{problem.Title ?? "request failed"} (HTTP {status}): {problem.Detail}")
        {
            Status = status;
            Problem = problem;
        }

        /// <summary>HTTP status, when the host answered.</summary>
        public int? Status { get; }

        /// <summary>The host's problem details, when it answered with one.</summary>
        public Problem? Problem { get; }

        /// <summary>The problem's stable type (see <see cref="ProblemTypes"/>), when known.</summary>
        public string? ProblemType => Problem?.Type;
    }
}
