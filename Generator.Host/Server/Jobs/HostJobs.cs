using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Augmentation;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Server.Api;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;
using VaeCreative.Host.Training;

namespace VaeCreative.Host.Server.Jobs;

/// <summary>
/// Jobs started over the API, each on its own thread; cancelling a job stops only that job. A training job writes a
/// new model directory under the host's models folder (weights and manifest last, atomically), where the catalog
/// finds it when it is done. Jobs train one at a time (two would only halve each other's speed and starve
/// generation); later ones wait in the <c>queued</c> state. A training job's state is reported only once it is true:
/// <c>cancelled</c> and <c>failed</c> once its work folder is gone, <c>succeeded</c> once the model is in place. An
/// augment job (<see cref="StartAugmentation"/>) varies a folder through the generation queue.
/// </summary>
public sealed class HostJobs(string? modelsDirectory, ModelCatalog catalog, ModalityRegistry modalities, ModelStore store, GenerationQueue queue,
    ServerOptions options, ILogger? log = null) : IDisposable
{
    private readonly int threads = options.Threads;
    private readonly InferencePrecision precision = options.Precision;

    // Work folders are named after the host process that owns them, so a host sharing the models folder can tell a
    // live host's work from the leftovers of a killed one.
    private const string WorkPrefix = ".training-";

    private readonly ConcurrentDictionary<string, Job> jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim running = new(1, 1);

    /// <summary>Where jobs may read and write (the host's policy: <see cref="ServerOptions.OutputsDirectory"/>, <see cref="ServerOptions.InputDirectories"/>).</summary>
    public JobFolders Folders { get; } = new(options);

    /// <summary>Starts a job of the request's kind; problems for bad settings, a missing models folder or a taken id.</summary>
    public JobState Start(JobRequest request) => request.Kind switch
    {
        JobKinds.Train => StartTraining(request),
        JobKinds.Augment => StartAugmentation(request),
        _ => throw Problems.BadRequest($"kind must be {JobKinds.Train} or {JobKinds.Augment}; got {(request.Kind is null ? "null" : $"'{request.Kind}'")}."),
    };

    private JobState StartTraining(JobRequest request)
    {
        if (modelsDirectory is null)
            throw Problems.BadRequest("this host has no models folder to write to; start it with --models DIR to train.");
        var modality = modalities.All.FirstOrDefault(m => m.Name == request.Modality)
            ?? throw Problems.BadRequest(request.Modality is null
                ? $"`modality` must be one of {modalities.Names}; got null."
                : $"modality '{request.Modality}' cannot be trained by this host; available: {modalities.Names}.");
        var recipe = modality.Training;
        if (request.ModelId is not { } id || !ModelCatalog.IsValidId(id))
            throw Problems.BadRequest("modelId must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        var data = Folders.Data(request.Data, "a folder (or file)");
        if (!Directory.Exists(data) && !File.Exists(data)) throw Problems.BadRequest($"the training data '{request.Data}' does not exist on the host's machine.");
        if (Directory.Exists(data) && TrainingDataFolder.Implausible(data) is { } what) throw Problems.BadRequest($"the data folder '{request.Data}' is {what}; pass a folder of training files.");
        if (request.Size is not { } size || !recipe.Sizes.Contains(size, StringComparer.Ordinal))
            throw Problems.BadRequest($"size must be one of {string.Join(", ", recipe.Sizes)} for {modality.Name} models; got {(request.Size is null ? "null" : $"'{request.Size}'")}.");
        ModelShape shape;
        try { shape = recipe.Shape(size); }
        catch (ArgumentException e) { throw Problems.BadRequest(e); }
        var defaults = shape.Defaults ?? recipe.Defaults;
        var steps = request.Steps ?? defaults.Steps;
        var batch = request.Batch ?? defaults.BatchSize;
        if (steps is < 1 or > 1_000_000) throw Problems.BadRequest($"steps must be between 1 and 1000000; got {steps}.");
        if (batch is < 1 or > 4096) throw Problems.BadRequest($"batch must be between 1 and 4096; got {batch}.");
        var outDir = Path.Combine(modelsDirectory, id);
        if (Directory.Exists(outDir) || catalog.Scan().Any(e => e.Id == id) || jobs.Values.Any(j => j.ModelId == id && !j.Snapshot().Finished))
            throw Problems.Conflict($"a model or running job named '{id}' already exists; choose another modelId.");
        CheckFolders(data, null);

        // The modality's defaults (one place: its recipe), with what the request sets.
        var config = TrainingConfig.From(modality.Name, shape, defaults) with
        {
            Data = Path.GetFullPath(data),
            Steps = steps,
            BatchSize = batch,
            Seed = request.Rng,
            ValidateEvery = Math.Min(defaults.ValidateEvery, steps),
            Settings = Settings(request.Settings, modality),
        };
        try { recipe.CheckSettings(config); }
        catch (ArgumentException e) { throw Problems.BadRequest(e); }
        var job = new Job(Guid.NewGuid().ToString("N")[..12], id) { Data = data };
        lock (jobs) // checked and taken at once: a job never reads a folder another job is writing
        {
            CheckFolders(data, null);
            if (jobs.Values.Any(j => j.ModelId == id && !j.Snapshot().Finished))
                throw Problems.Conflict($"a model or running job named '{id}' already exists; choose another modelId.");
            jobs[job.Id] = job;
        }
        job.Thread = new Thread(() => Run(job, config, recipe, outDir)) { IsBackground = true, Name = $"vaecreative-training-{job.Id}" };
        job.Thread.Start();
        return job.Snapshot();
    }

    /// <summary>
    /// A 409 problem when a job that reads <paramref name="data"/> and writes into <paramref name="output"/> (null: a
    /// training job, which writes into the models folder) would collide with a running job: two jobs writing into one tree,
    /// a job reading a folder that an augment job is still writing (it would see part of its outputs), or an augment job
    /// writing into a folder a running job reads.
    /// </summary>
    private void CheckFolders(string data, string? output)
    {
        foreach (var other in jobs.Values)
        {
            if (other.Snapshot().Finished) continue;
            if (output is not null && other.Out is { } written && FolderAugmentation.Overlap(written, output))
                throw Problems.Conflict($"the augment job {other.Id} writes into '{written}', which overlaps '{output}'; wait for it or cancel it.");
            if (other.Out is { } writing && FolderAugmentation.Overlap(writing, data))
                throw Problems.Conflict($"the augment job {other.Id} is still writing into '{writing}', which overlaps the data '{data}'; wait for it to finish (or cancel it) before reading its outputs.");
            if (output is not null && other.Data is { } read && FolderAugmentation.Overlap(read, output))
                throw Problems.Conflict($"the {other.Kind} job {other.Id} reads '{read}', which overlaps out '{output}'; wait for it or cancel it.");
        }
    }

    /// <summary>The request's modality settings as the run records them; a 400 for a key the modality's <c>train</c> does not take.</summary>
    private static JsonObject? Settings(Dictionary<string, string>? given, IModality modality)
    {
        if (given is not { Count: > 0 }) return null;
        var keys = modality.Options.Where(o => o.Commands.HasFlag(ModalityCommands.Train)).Select(o => o.Key).ToList();
        foreach (var key in given.Keys)
            if (!keys.Contains(key, StringComparer.Ordinal))
                throw Problems.BadRequest(keys.Count == 0
                    ? $"{modality.Name} training takes no settings; got '{key}'."
                    : $"{modality.Name} training takes no setting '{key}'; its settings are {string.Join(", ", keys)}.");
        return new JsonObject(given.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
    }

    /// <summary>The job's state; 404 problem when unknown.</summary>
    public JobState Get(string id) => Find(id).Snapshot();

    /// <summary>The job's state and a version number that changes with every update (for event streams).</summary>
    public (JobState State, long Version) Watch(string id)
    {
        var job = Find(id);
        lock (job) return (job.Snapshot(), job.Version);
    }

    /// <summary>Cancels the job (a finished job is left as it is); returns its state.</summary>
    public JobState Cancel(string id)
    {
        var job = Find(id);
        job.Cancel.Cancel();
        return job.Snapshot();
    }

    private Job Find(string id) => jobs.TryGetValue(id, out var job) ? job : throw Problems.UnknownJob(id);

    private void Run(Job job, TrainingConfig config, ITrainingRecipe recipe, string outDir)
    {
        // Train into a hidden folder and rename it into place at the end: the catalog never sees a half-written model.
        var work = Path.Combine(Path.GetDirectoryName(outDir)!, $"{WorkPrefix}{Environment.ProcessId}-{job.Id}");
        var holdsSlot = false;
        Action<JobState> final;
        try
        {
            running.Wait(job.Cancel.Token);
            holdsSlot = true;
            job.Update(s => s.State = JobStatus.Running);
            var corpus = TrainingRun.LoadCorpus(config, recipe, _ => { });
            job.Cancel.Token.ThrowIfCancellationRequested();
            using (var run = TrainingRun.Start(config, recipe, store.Kinds, corpus, work, threads, _ => { }))
            {
                var progress = new TrainingReporter(job);
                var result = run.Train(resume: false, progress, job.Cancel.Token);
                run.Finish(result, _ => { });
                TrainingCurves.TryWrite(work, _ => { });
            }
            Directory.Move(work, outDir);
            final = s => s.State = JobStatus.Succeeded;
        }
        catch (OperationCanceledException)
        {
            final = s => s.State = JobStatus.Cancelled;
        }
        catch (TrainingDataException e)
        {
            final = s => { s.State = JobStatus.Failed; s.Error = e.Message; };
        }
        catch (Exception e)
        {
            log?.LogError(e, "training job {JobId} failed", job.Id);
            var error = e is IOException or UnauthorizedAccessException
                ? $"the model could not be written: {e.Message}"
                : $"internal error, see the host log (job id {job.Id}).";
            final = s => { s.State = JobStatus.Failed; s.Error = error; };
        }
        finally
        {
            RemoveFolder(work);
            if (holdsSlot) running.Release();
        }
        job.Update(final); // only now: a cancelled or failed job has left nothing behind
    }

    /// <summary>
    /// Starts an augment job: every file under <c>data</c> that the model reads, varied into <c>out</c> (see
    /// <see cref="FolderAugmentation"/>). Its model passes go through the generation queue beside other requests (and
    /// share passes with them). Checks everything it can before it starts: problems for a missing folder, an output
    /// folder it may not write into (outside the outputs folder, inside the seed folder, holding other files), a folder a
    /// running job writes into or reads (409), an unknown model, settings out of range.
    /// </summary>
    public JobState StartAugmentation(JobRequest request)
    {
        var data = Folders.Data(request.Data, "a folder");
        var output = Folders.Output(request.Out, data);
        CheckFolders(data, output); // before the plan: its refusal of a running job's half-written folder would be a 400
        var modelId = request.Model ?? modalities.All.FirstOrDefault(m => m.Name == request.Modality)?.DefaultModelId
            ?? throw Problems.BadRequest($"give `model` (an id from /v1/models), or a `modality` among {modalities.Names}.");
        var entry = catalog.Get(modelId);
        var modality = modalities.All.FirstOrDefault(m => m.Name == entry.Manifest.Modality)
            ?? throw Problems.BadRequest($"model '{modelId}' is a {entry.Manifest.Modality} model; this host generates {modalities.Names}.");
        GenerationEndpoints.CheckCount(request.Count ?? GenerationLimits.DefaultCount, options.MaxCount, "count");
        var generator = modalities.Generator(store.Get(entry.Directory, precision));
        VaryOptions variation;
        try
        {
            variation = new VaryOptions
            {
                Count = request.Count ?? GenerationLimits.DefaultCount,
                Similarity = request.Similarity ?? GenerationLimits.DefaultSimilarity,
                Temperature = request.Temperature ?? modality.DefaultTemperature,
                Rng = request.Rng,
                Precision = precision,
            }.Validate();
        }
        catch (ArgumentException e) { throw Problems.BadRequest(e); }
        FolderAugmentation plan;
        try { plan = FolderAugmentation.Plan(modality, data, output, new AugmentationSettings(modality.Name, modelId, variation, new Dictionary<string, string>())); }
        catch (AugmentationException e) { throw Problems.BadRequest(e.Message); }

        var job = new Job(Guid.NewGuid().ToString("N")[..12], modelId, JobKinds.Augment) { Data = plan.Source, Out = plan.Output };
        job.Update(s => { s.TotalSteps = plan.Pending.Count; s.AlreadyDone = plan.AlreadyDone; s.OutputsWritten = 0; s.Out = plan.Output; });
        lock (jobs) // checked and taken at once: two jobs must never write into one tree
        {
            CheckFolders(plan.Source, plan.Output);
            jobs[job.Id] = job;
        }
        job.Thread = new Thread(() => RunAugmentation(job, plan, generator)) { IsBackground = true, Name = $"vaecreative-augment-{job.Id}" };
        job.Thread.Start();
        return job.Snapshot();
    }

    private void RunAugmentation(Job job, FolderAugmentation plan, IMaterialGenerator generator)
    {
        Action<JobState> final;
        try
        {
            job.Update(s => s.State = JobStatus.Running);
            var key = BatchKeys.Of(BatchKeys.Vary, precision, generator);
            var result = plan.Run(generator, requests => ThroughQueue(requests, generator, key, job), new AugmentReporter(job), job.Cancel.Token,
                Math.Min(FolderAugmentation.DefaultBatchRows, options.MaxBatchRows), options.MaxSeedRows, options.MaxOutputPixels);
            final = s =>
            {
                s.State = JobStatus.Succeeded;
                s.OutputsWritten = result.OutputsWritten;
                s.Skipped = result.Skipped.Select(k => new SkippedSeed { Path = k.Path, Reason = k.Reason }).ToList();
            };
        }
        catch (OperationCanceledException)
        {
            final = s => s.State = JobStatus.Cancelled; // the outputs written stay: a new job with the same settings resumes
        }
        catch (MaterialException e)
        {
            final = s => { s.State = JobStatus.Failed; s.Error = e.Message; }; // the model cannot vary this material at all
        }
        catch (Exception e)
        {
            log?.LogError(e, "augment job {JobId} failed", job.Id);
            var error = e is IOException or UnauthorizedAccessException
                ? $"the variations could not be written: {e.Message}"
                : $"internal error, see the host log (job id {job.Id}).";
            final = s => { s.State = JobStatus.Failed; s.Error = error; };
        }
        job.Update(final);
    }

    /// <summary>
    /// Runs one augmentation batch through the generation queue, a bounded number of requests at a time so that
    /// interactive requests always find places; blocks this job's thread (never the model's) until they are done.
    /// </summary>
    private IReadOnlyList<IReadOnlyList<Core.Modalities.Material>> ThroughQueue(IReadOnlyList<MaterialVariation> requests, IMaterialGenerator generator, string key, Job job)
    {
        const int InFlight = 16;
        var ct = job.Cancel.Token;
        var results = new List<IReadOnlyList<Core.Modalities.Material>>(requests.Count);
        foreach (var chunk in requests.Chunk(InFlight))
        {
            var works = chunk.Select(r => new MaterialWork<MaterialVariation>($"augment-{job.Id}", ct, key, r.Seed.Rows * r.Options.Count, r,
                (batch, token) => generator.VaryMany(batch, null, token))).ToList();
            foreach (var work in works)
                while (!queue.TryEnqueue(work))
                {
                    if (!queue.Accepting) throw new OperationCanceledException("the host is stopping.");
                    ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50)); // full: interactive requests go first
                    ct.ThrowIfCancellationRequested();
                }
            try { Task.WaitAll(works.Select(w => (Task)w.Completion).ToArray(), ct); }
            catch (AggregateException e) when (e.InnerExceptions.OfType<MaterialException>().FirstOrDefault() is { } bad) { throw bad; }
            catch (AggregateException e) when (e.InnerExceptions.Any(x => x is OperationCanceledException)) { throw new OperationCanceledException("cancelled", e, ct); }
            results.AddRange(works.Select(w => w.Result));
        }
        return results;
    }

    private sealed class AugmentReporter(Job job) : IProgress<AugmentationProgress>
    {
        public void Report(AugmentationProgress p) => job.Update(s =>
        {
            s.Step = p.FilesDone;
            s.TotalSteps = p.FilesTotal;
            s.OutputsWritten = p.OutputsWritten;
        });
    }

    /// <summary>
    /// Removes work folders of hosts that are no longer running (a host killed during training leaves its folder);
    /// folders of live hosts sharing the models folder are kept. Called at start, before this host has a job, so a
    /// folder carrying this process's own pid is a dead host's (a container gives every run the same pid, often 1).
    /// Returns the folders removed.
    /// </summary>
    public IReadOnlyList<string> RemoveLeftovers()
    {
        if (modelsDirectory is null || !Directory.Exists(modelsDirectory)) return [];
        var removed = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(modelsDirectory, WorkPrefix + "*"))
        {
            var name = Path.GetFileName(folder)[WorkPrefix.Length..];
            var dash = name.IndexOf('-');
            // Folders without a pid come from versions before pids were recorded: nothing can own them any more.
            if (dash > 0 && int.TryParse(name[..dash], out var pid) && IsRunning(pid)) continue;
            if (RemoveFolder(folder)) removed.Add(folder);
        }
        return removed;
    }

    private static bool IsRunning(int pid) => pid != Environment.ProcessId && Client.HostConnection.IsProcessRunning(pid) != false;

    private bool RemoveFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.LogWarning("could not remove the training work folder {Folder}: {Reason}", folder, e.Message);
            return false;
        }
    }

    /// <summary>Cancels running jobs and waits briefly for them to stop.</summary>
    public void Dispose()
    {
        foreach (var job in jobs.Values) job.Cancel.Cancel();
        foreach (var job in jobs.Values) job.Thread?.Join(TimeSpan.FromSeconds(10));
    }

    private sealed class TrainingReporter(Job job) : IProgress<Core.Training.TrainingProgress>
    {
        public void Report(Core.Training.TrainingProgress p) => job.Update(s =>
        {
            s.Step = p.Step;
            s.TotalSteps = p.TotalSteps;
            s.Loss = Math.Round(p.Loss, 4);
            s.ExamplesPerSecond = Math.Round(p.ExamplesPerSecond, 1);
            if (p.Validation?.AccuracyTeacherForced is { } a) s.ValidationAccuracy = Math.Round(a, 4);
        });
    }

    private sealed class Job(string id, string modelId, string kind = JobKinds.Train)
    {
        private readonly JobState state = new() { Id = id, Kind = kind, ModelId = modelId, State = JobStatus.Queued };

        public string Id { get; } = id;
        public string ModelId { get; } = modelId;
        public string Kind { get; } = kind;

        /// <summary>The folder (or file) the job reads (full path, links resolved), so no job reads what another writes.</summary>
        public string? Data { get; init; }

        /// <summary>augment: the output folder (full path), so two jobs never write into one.</summary>
        public string? Out { get; init; }
        public CancellationTokenSource Cancel { get; } = new();
        public Thread? Thread { get; set; }
        public long Version { get; private set; }

        public void Update(Action<JobState> change)
        {
            lock (this)
            {
                change(state);
                Version++;
            }
        }

        public JobState Snapshot()
        {
            lock (this)
                return new JobState
                {
                    Id = state.Id, Kind = state.Kind, ModelId = state.ModelId, State = state.State, Step = state.Step, TotalSteps = state.TotalSteps,
                    Loss = state.Loss, ValidationAccuracy = state.ValidationAccuracy, ExamplesPerSecond = state.ExamplesPerSecond, Error = state.Error,
                    OutputsWritten = state.OutputsWritten, AlreadyDone = state.AlreadyDone, Skipped = state.Skipped?.ToList(), Out = state.Out,
                };
        }
    }
}
