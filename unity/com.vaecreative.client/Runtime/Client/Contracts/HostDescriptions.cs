// Copied from Generator.Client/Contracts/HostDescriptions.cs by scripts/unity-package.sh: edit that file and run the script.
#nullable enable
using System.Collections.Generic;
using System.Text.Json;

namespace VaeCreative.Client.Contracts
{
    /// <summary><c>GET /v1/health</c>.</summary>
    public sealed class HealthResponse
    {
        /// <summary>"ok" while the host accepts work, "stopping" during shutdown.</summary>
        public string Status { get; set; } = "";
    }

    /// <summary><c>GET /v1/info</c>.</summary>
    public sealed class HostInfo
    {
        /// <summary>VaeCreative version.</summary>
        public string Version { get; set; } = "";

        /// <summary>TorchSharp version.</summary>
        public string TorchSharp { get; set; } = "";

        /// <summary>What the host can do: variations, interpolations, samples, training.</summary>
        public List<string> Capabilities { get; set; } = new List<string>();

        /// <summary>Devices models run on.</summary>
        public List<DeviceInfo> Devices { get; set; } = new List<DeviceInfo>();

        /// <summary>The modalities this host serves and trains, with the media types of their material.</summary>
        public List<ModalityInfo> Modalities { get; set; } = new List<ModalityInfo>();

        /// <summary>Queue settings and counters.</summary>
        public QueueInfo Queue { get; set; } = new QueueInfo();

        /// <summary>Per-request limits.</summary>
        public LimitsInfo Limits { get; set; } = new LimitsInfo();

        /// <summary>Tensors alive in the host process now (TorchSharp's count): flat over a long run means no tensor leak.</summary>
        public long LiveTensors { get; set; }

        /// <summary>Bytes the .NET garbage collector has committed: part of the host's resident memory (the rest is mostly libtorch's native heap).</summary>
        public long ManagedMemoryBytes { get; set; }
    }

    /// <summary>A modality the host serves.</summary>
    public sealed class ModalityInfo
    {
        /// <summary>melody, text, …</summary>
        public string Name { get; set; } = "";

        /// <summary>Media types of its material, the one its outputs use first (audio/midi, text/plain, …).</summary>
        public List<string> MediaTypes { get; set; } = new List<string>();

        /// <summary>Id of its bundled default model.</summary>
        public string DefaultModel { get; set; } = "";
    }

    /// <summary>A device the host runs models on.</summary>
    public sealed class DeviceInfo
    {
        /// <summary>"cpu" or "cuda".</summary>
        public string Type { get; set; } = "";

        /// <summary>Worker threads serving this device.</summary>
        public int Workers { get; set; }

        /// <summary>CPU threads libtorch uses.</summary>
        public int Threads { get; set; }

        /// <summary>Inference precision of served models: fp32 or bf16.</summary>
        public string Precision { get; set; } = "";
    }

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

    /// <summary>Per-request limits.</summary>
    public sealed class LimitsInfo
    {
        /// <summary>Largest request body, bytes.</summary>
        public long MaxBodyBytes { get; set; }

        /// <summary>Most outputs per request.</summary>
        public int MaxCount { get; set; }

        /// <summary>Default deadline for a request to start, ms.</summary>
        public int DefaultTimeoutMs { get; set; }
    }

    /// <summary>One entry of <c>GET /v1/models</c>.</summary>
    public sealed class ModelInfo
    {
        /// <summary>Id used in URLs (the model folder's name).</summary>
        public string Id { get; set; } = "";

        /// <summary>melody, text, image …</summary>
        public string Modality { get; set; } = "";

        /// <summary>Network family, e.g. sequence-vae.</summary>
        public string Kind { get; set; } = "";

        /// <summary>Whether this is the modality's default model.</summary>
        public bool Default { get; set; }

        /// <summary>Sizes: parameters, latent, steps, vocabulary …</summary>
        public Dictionary<string, long> Sizes { get; set; } = new Dictionary<string, long>();

        /// <summary>Held-out metrics from the manifest.</summary>
        public JsonElement? Metrics { get; set; }
    }

    /// <summary>Body of <c>POST /v1/jobs</c>: train a new model from a folder of files on the host's machine.</summary>
    public sealed class TrainingJobRequest
    {
        /// <summary>Training data on the host's machine: a folder (MIDI files for melody; text or fortune files for text) or, for text, one file.</summary>
        public string? Data { get; set; }

        /// <summary>Id of the model to create (letters, digits, '-', '_', '.'); it appears in /v1/models when done.</summary>
        public string? ModelId { get; set; }

        /// <summary>Modality. Default melody.</summary>
        public string Modality { get; set; } = "melody";

        /// <summary>Optimiser steps. Absent: the modality's default (1000); range 1–1,000,000.</summary>
        public long? Steps { get; set; }

        /// <summary>Examples per step. Absent: the modality's default (64); range 1–4096.</summary>
        public int? Batch { get; set; }

        /// <summary>Random seed. Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>
        /// Model size preset: default (the bundled model's shape), small (fast, for trials) or one of the modality's
        /// own (text: lm, the language-model baseline). Default "default".
        /// </summary>
        public string Size { get; set; } = "default";

        /// <summary>
        /// The modality's own training settings by key, as its <c>train</c> options take them (image: <c>tile</c>,
        /// <c>imageSize</c>, <c>likelihood</c>, <c>flip</c>; text: <c>vocabularySize</c>, <c>maxTokens</c>, <c>wordDropout</c>).
        /// Absent: none. An unknown key or a value out of range is a 400 naming it.
        /// </summary>
        public Dictionary<string, string>? Settings { get; set; }
    }

    /// <summary>State of a training job.</summary>
    public sealed class TrainingJob
    {
        /// <summary>Job id.</summary>
        public string Id { get; set; } = "";

        /// <summary>queued, running, succeeded, failed or cancelled.</summary>
        public string State { get; set; } = "";

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

        /// <summary>Whether the job has finished (succeeded, failed or cancelled).</summary>
        public bool Finished => State == "succeeded" || State == "failed" || State == "cancelled";
    }

    /// <summary>RFC 7807 problem details as the host sends them.</summary>
    public sealed class Problem
    {
        /// <summary>Stable URI per cause, e.g. <c>urn:vaecreative:problem:unknown-model</c>.</summary>
        public string? Type { get; set; }

        /// <summary>Short summary of the cause.</summary>
        public string? Title { get; set; }

        /// <summary>HTTP status.</summary>
        public int? Status { get; set; }

        /// <summary>What exactly was wrong with this request.</summary>
        public string? Detail { get; set; }

        /// <summary>The request id, when the host had one.</summary>
        public string? RequestId { get; set; }
    }
}
