#nullable enable
using System;

namespace VaeCreative.Client
{
    /// <summary>Settings for <see cref="VaeCreativeClient"/>.</summary>
    public sealed class VaeCreativeClientOptions
    {
        /// <summary>Retries after 429 or 503 answers (nothing else is retried). Default 4; 0 turns retries off.</summary>
        public int MaxRetries { get; set; } = 4;

        /// <summary>First back-off when the host sends no Retry-After; doubles per retry. Default 250 ms.</summary>
        public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>Longest single back-off. Default 10 s.</summary>
        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
    }
}
