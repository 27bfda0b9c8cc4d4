#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>Queue settings and counters since start.</summary>
    public sealed class QueueInfo
    {
        /// <summary>Requests that may wait before the host answers 429.</summary>
        public int Capacity { get; set; }

        /// <summary>Requests waiting now.</summary>
        public int Waiting { get; set; }

        /// <summary>Whether concurrent requests for one model share a model pass.</summary>
        public bool Batching { get; set; }

        /// <summary>Most output rows in one pass.</summary>
        public int MaxBatchRows { get; set; }

        /// <summary>Longest wait for more requests to join a pass, ms.</summary>
        public double MaxWaitMs { get; set; }

        /// <summary>Requests run on a model.</summary>
        public long Executed { get; set; }

        /// <summary>Model passes run.</summary>
        public long Batches { get; set; }

        /// <summary>Requests dropped before reaching a model (client gone or deadline passed).</summary>
        public long Dropped { get; set; }

        /// <summary>Requests refused because the queue was full.</summary>
        public long Rejected { get; set; }
    }
}
