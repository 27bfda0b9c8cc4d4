#nullable enable
using System.Text.Json.Serialization;

namespace VaeCreative.Client.Contracts
{
    /// <summary>Where a host job is in its life (<see cref="JobState.State"/>); written in JSON as its lower-case name.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
    public enum JobStatus
    {
        /// <summary>Waiting for the host's training slot.</summary>
        [JsonStringEnumMemberName("queued")]
        Queued,

        /// <summary>Training or varying.</summary>
        [JsonStringEnumMemberName("running")]
        Running,

        /// <summary>Finished: the model or the outputs are written.</summary>
        [JsonStringEnumMemberName("succeeded")]
        Succeeded,

        /// <summary>Finished with an error (<see cref="JobState.Error"/>).</summary>
        [JsonStringEnumMemberName("failed")]
        Failed,

        /// <summary>Finished early, on a cancel request or the host's shutdown.</summary>
        [JsonStringEnumMemberName("cancelled")]
        Cancelled,
    }
}
