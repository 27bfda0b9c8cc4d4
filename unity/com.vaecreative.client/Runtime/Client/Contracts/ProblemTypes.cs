#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>The host's stable problem <c>type</c> URIs, one per cause.</summary>
    public static class ProblemTypes
    {
        private const string Prefix = "urn:vaecreative:problem:";

        /// <summary>401: no bearer token, or the wrong one.</summary>
        public const string Unauthorized = Prefix + "unauthorized";

        /// <summary>403: the Origin or Host header names a non-loopback site.</summary>
        public const string ForbiddenOrigin = Prefix + "forbidden-origin";

        /// <summary>404: no model with that id.</summary>
        public const string UnknownModel = Prefix + "unknown-model";

        /// <summary>404: no job with that id.</summary>
        public const string UnknownJob = Prefix + "unknown-job";

        /// <summary>400: the seed material cannot be read (not base64, not MIDI, no notes …).</summary>
        public const string BadSeed = Prefix + "bad-seed";

        /// <summary>400: a parameter is missing or out of range, or the body is not valid JSON (415: not sent as JSON).</summary>
        public const string BadRequest = Prefix + "bad-request";

        /// <summary>408: the request's headers or body did not arrive in time (the client stalled).</summary>
        public const string RequestTimeout = Prefix + "request-timeout";

        /// <summary>413 (body) or 400 (count, seed length): a limit was exceeded.</summary>
        public const string LimitExceeded = Prefix + "limit-exceeded";

        /// <summary>429: the queue is full; retry after the Retry-After header's seconds.</summary>
        public const string Overloaded = Prefix + "overloaded";

        /// <summary>503: previews were asked for and this host cannot make them (no synthesiser or soundfont installed).</summary>
        public const string PreviewUnavailable = Prefix + "preview-unavailable";

        /// <summary>503: the host is shutting down.</summary>
        public const string Unavailable = Prefix + "unavailable";

        /// <summary>504: the request's deadline passed before the work started.</summary>
        public const string DeadlineExceeded = Prefix + "deadline-exceeded";

        /// <summary>409: a model or job with that id already exists.</summary>
        public const string Conflict = Prefix + "conflict";

        /// <summary>404: no such endpoint, or 405: method not allowed on it.</summary>
        public const string NotFound = Prefix + "not-found";

        /// <summary>500: a bug in the host; the detail says what happened.</summary>
        public const string Internal = Prefix + "internal";
    }
}
