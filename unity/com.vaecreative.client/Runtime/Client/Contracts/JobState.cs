#nullable enable
using System.Collections.Generic;

namespace VaeCreative.Client.Contracts
{
    /// <summary>
    /// State of a job. For augment jobs, <see cref="Step"/> and <see cref="TotalSteps"/> count seed files, and
    /// <see cref="ModelId"/> is the model varying them.
    /// </summary>
    public sealed class JobState
    {
        /// <summary>Job id.</summary>
        public string Id { get; set; } = "";

        /// <summary>train or augment.</summary>
        public string Kind { get; set; } = JobKinds.Train;

        /// <summary>Where the job is: queued, running, succeeded, failed or cancelled.</summary>
        public JobStatus State { get; set; }

        /// <summary>Model the job writes.</summary>
        public string ModelId { get; set; } = "";

        /// <summary>Steps done.</summary>
        public long Step { get; set; }

        /// <summary>Steps in the run.</summary>
        public long TotalSteps { get; set; }

        /// <summary>Latest training loss (nats per example).</summary>
        public double? Loss { get; set; }

        /// <summary>Latest held-out accuracy (teacher-forced), when validation ran.</summary>
        public double? ValidationAccuracy { get; set; }

        /// <summary>Training throughput, examples per second.</summary>
        public double? ExamplesPerSecond { get; set; }

        /// <summary>What went wrong, for failed jobs.</summary>
        public string? Error { get; set; }

        /// <summary>augment: the output folder as the host resolved it (a relative <c>out</c> is taken under the host's outputs folder).</summary>
        public string? Out { get; set; }

        /// <summary>augment: output files written so far.</summary>
        public int? OutputsWritten { get; set; }

        /// <summary>augment: seed files an earlier run had varied (left as they are).</summary>
        public int? AlreadyDone { get; set; }

        /// <summary>augment: seed files that could not be read, with the reason.</summary>
        public List<SkippedSeed>? Skipped { get; set; }

        /// <summary>Whether the job has finished (succeeded, failed or cancelled).</summary>
        public bool Finished => State == JobStatus.Succeeded || State == JobStatus.Failed || State == JobStatus.Cancelled;
    }
}
