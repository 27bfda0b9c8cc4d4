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

        /// <summary>The folders on the host's machine that jobs may write into and read from.</summary>
        public FoldersInfo Folders { get; set; } = new FoldersInfo();

        /// <summary>Tensors alive in the host process now (TorchSharp's count): flat over a long run means no tensor leak.</summary>
        public long LiveTensors { get; set; }

        /// <summary>Bytes the .NET garbage collector has committed: part of the host's resident memory (the rest is mostly libtorch's native heap).</summary>
        public long ManagedMemoryBytes { get; set; }
    }

    /// <summary>The folders on the host's machine that jobs may write into and read from (the host's policy; the CLI has none).</summary>
    public sealed class FoldersInfo
    {
        /// <summary>Augment jobs write below this folder; a relative <c>out</c> is taken under it.</summary>
        public string Outputs { get; set; } = "";

        /// <summary>Training jobs write new models here; null when the host has no models folder (it cannot train).</summary>
        public string? Models { get; set; }

        /// <summary>Jobs read <c>data</c> from inside these folders or the outputs folder; empty: from any folder but a file-system root, a system folder or a home folder.</summary>
        public List<string> Inputs { get; set; } = new List<string>();
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

        /// <summary>
        /// Media types of the previews a request with <c>preview: true</c> gets under each output (melody: audio/wav and
        /// image/png); empty when its models have none (such a request is then a 400).
        /// </summary>
        public List<string> PreviewMediaTypes { get; set; } = new List<string>();

        /// <summary>The decoding temperature variations and samples use when a request gives none (images: 0; the others 0.5).</summary>
        public double DefaultTemperature { get; set; }
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

        /// <summary>Outputs per seed when a variations request gives no count.</summary>
        public int DefaultCount { get; set; }

        /// <summary>Similarity when a variations request gives none (1 keeps the seed's latent code, 0 ignores it).</summary>
        public double DefaultSimilarity { get; set; }
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

        /// <summary>
        /// The attribute directions a variations request may steer along (its <c>attributes</c> names), in the model's
        /// order; empty when the model has none (its folder holds no <c>attributes.json</c>).
        /// </summary>
        public List<AttributeInfo> Attributes { get; set; } = new List<AttributeInfo>();
    }

    /// <summary>An attribute direction of a model: a name a variations request steers by, and what it measures.</summary>
    public sealed class AttributeInfo
    {
        /// <summary>The name, e.g. <c>density</c>.</summary>
        public string Name { get; set; } = "";

        /// <summary>What the attribute measures, e.g. "note onsets per bar of 4/4 (16 steps)"; null when the model's file gives none.</summary>
        public string? Description { get; set; }

        /// <summary>Largest strength a request may give, either way (a strength of 1 moves a code by one full vector).</summary>
        public double MaxStrength { get; set; }
    }

    /// <summary>
    /// Body of <c>POST /v1/jobs</c>: train a new model from a folder of files on the host's machine (kind <c>train</c>),
    /// or vary every file of a folder into another (kind <c>augment</c>: data augmentation, as <c>vary --seed FOLDER</c>).
    /// </summary>
    public sealed class JobRequest
    {
        /// <summary>
        /// Training data (or, for augment, the seed folder) on the host's machine, an absolute path: a folder (MIDI files
        /// for melody; text or fortune files for text) or, for text, one file. Inside the host's input folders when it has
        /// some (<see cref="FoldersInfo.Inputs"/>); never a folder a running augment job writes into (409).
        /// </summary>
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

        /// <summary>train (default): train a new model from <see cref="Data"/>; augment: vary every file under <see cref="Data"/> into <see cref="Out"/> with <see cref="Model"/>.</summary>
        public string Kind { get; set; } = JobKinds.Train;

        /// <summary>
        /// augment: the folder on the host's machine that receives the variations, mirroring <see cref="Data"/>'s tree
        /// (new, empty, or the folder of an earlier augment with the same settings, which resumes). Nothing is overwritten.
        /// It must resolve (symbolic links included) below the host's outputs folder (<see cref="FoldersInfo.Outputs"/>)
        /// and outside <see cref="Data"/>; a relative path is taken under the outputs folder.
        /// </summary>
        public string? Out { get; set; }

        /// <summary>augment: the model to vary with (an id from /v1/models). Absent: the default model of <see cref="Modality"/>.</summary>
        public string? Model { get; set; }

        /// <summary>augment: variations per seed (default 8; at most the host's limit per request).</summary>
        public int? Count { get; set; }

        /// <summary>augment: 1 keeps the seed's latent code, 0 ignores it (default 0.75).</summary>
        public double? Similarity { get; set; }

        /// <summary>augment: decoding temperature (default: the modality's).</summary>
        public double? Temperature { get; set; }
    }

    /// <summary>The kinds of job <c>POST /v1/jobs</c> starts.</summary>
    public static class JobKinds
    {
        /// <summary>Train a new model.</summary>
        public const string Train = "train";

        /// <summary>Vary every file of a folder into another (data augmentation).</summary>
        public const string Augment = "augment";
    }

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

        /// <summary>augment: the output folder as the host resolved it (a relative <c>out</c> is taken under the host's outputs folder).</summary>
        public string? Out { get; set; }

        /// <summary>augment: output files written so far.</summary>
        public int? OutputsWritten { get; set; }

        /// <summary>augment: seed files an earlier run had varied (left as they are).</summary>
        public int? AlreadyDone { get; set; }

        /// <summary>augment: seed files that could not be read, with the reason.</summary>
        public List<SkippedSeed>? Skipped { get; set; }

        /// <summary>Whether the job has finished (succeeded, failed or cancelled).</summary>
        public bool Finished => State == "succeeded" || State == "failed" || State == "cancelled";
    }

    /// <summary>A seed file an augment job skipped.</summary>
    public sealed class SkippedSeed
    {
        /// <summary>The file, relative to the seed folder ('/' separators).</summary>
        public string Path { get; set; } = "";

        /// <summary>Why it could not be read.</summary>
        public string Reason { get; set; } = "";
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
