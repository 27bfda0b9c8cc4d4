using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Runtime;

namespace VaeCreative.Host.Server.Api;

/// <summary><c>GET /v1/health</c>, <c>/v1/info</c>, <c>/v1/models</c>.</summary>
public static class HostEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        var about = v1.MapGroup("").WithTags("host");
        about.MapGet("/health", (ServerContext host) => new HealthResponse { Status = host.Queue.Accepting ? "ok" : "stopping" })
            .Produces<HealthResponse>().Produces<Problem>(StatusCodes.Status403Forbidden, OpenApiContract.ProblemMediaType)
            .WithSummary("Whether the host is up (no token needed).").WithName("GetHealth");
        about.MapGet("/info", Info).ProducesProblems().WithSummary("Version, capabilities, devices, queue and limits.").WithName("GetInfo");
        about.MapGet("/models", (ServerContext host) => host.Catalog.Scan().Select(host.Catalog.Describe).ToList())
            .ProducesProblems().WithSummary("The models this host serves.").WithName("ListModels");
        about.MapGet("/models/{id}", (string id, ServerContext host) => host.Catalog.Describe(host.Catalog.Get(id)))
            .ProducesProblems(404).WithSummary("One model.").WithName("GetModel");
    }

    private static HostInfo Info(ServerContext host) => new()
    {
        Version = typeof(HostEndpoints).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        TorchSharp = TorchRuntime.TorchSharpVersion,
        Capabilities = ["variations", "interpolations", "samples", "training"],
        Devices = [new DeviceInfo { Type = TorchRuntime.DefaultDevice.type.ToString().ToLowerInvariant(), Workers = 1, Threads = TorchSharp.torch.get_num_threads(),
            Precision = host.Precision == Core.Serving.InferencePrecision.BFloat16 ? "bf16" : "fp32" }],
        Modalities = host.Modalities.All.Select(m => new ModalityInfo
        {
            Name = m.Name,
            MediaTypes = m.Formats.Select(f => f.MediaType).ToList(),
            DefaultModel = m.DefaultModelId,
            PreviewMediaTypes = m is Core.Modalities.IOutputPreview preview ? preview.PreviewFormats.Select(f => f.MediaType).ToList() : [],
            DefaultTemperature = m.DefaultTemperature,
        }).ToList(),
        Queue = host.Queue.Describe(),
        LiveTensors = TorchSharp.torch.Tensor.TotalCount,
        ManagedMemoryBytes = GC.GetGCMemoryInfo().TotalCommittedBytes,
        Limits = new LimitsInfo
        {
            MaxBodyBytes = host.Options.MaxBodyBytes,
            MaxCount = host.Options.MaxCount,
            DefaultTimeoutMs = (int)host.Options.DefaultTimeout.TotalMilliseconds,
        },
    };
}

/// <summary><c>/v1/jobs</c>: training and augment jobs and their progress events.</summary>
public static class JobEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        var jobs = v1.MapGroup("").WithTags("jobs");
        jobs.MapPost("/jobs", async (HttpContext context, ServerContext host) =>
            {
                var body = await RequestBody.Read<TrainingJobRequest>(context, host.Options);
                var job = host.Jobs.Start(body);
                return Results.Created($"/v1/jobs/{job.Id}", job);
            })
            .Accepts<TrainingJobRequest>("application/json").Produces<TrainingJob>(StatusCodes.Status201Created)
            .ProducesProblems(400, 404, 408, 409, 413, 415, 503)
            .WithSummary("Starts a job: training a new model from a folder on the host's machine, or (kind augment) varying every file of a folder into another.").WithName("StartTrainingJob");
        jobs.MapGet("/jobs/{id}", (string id, ServerContext host) => host.Jobs.Get(id)).ProducesProblems(404)
            .WithSummary("A job's state.").WithName("GetTrainingJob");
        jobs.MapDelete("/jobs/{id}", (string id, ServerContext host) => host.Jobs.Cancel(id)).ProducesProblems(404)
            .WithSummary("Cancels this job (only this one); an augment job keeps the outputs it wrote, and a new one with the same settings resumes.").WithName("CancelTrainingJob");
        jobs.MapGet("/jobs/{id}/events", Events)
            .WithSummary("The job's progress as Server-Sent Events: one 'progress' event per change, ending with the finished state.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblems(404).WithName("WatchTrainingJob");
    }

    private static async Task Events(string id, HttpContext context, ServerContext host)
    {
        var (state, version) = host.Jobs.Watch(id); // 404 before any byte of the stream
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var ct = context.RequestAborted;
        long sent = -1;
        try
        {
            while (true)
            {
                if (version != sent)
                {
                    await context.Response.WriteAsync($"event: progress\ndata: {JsonSerializer.Serialize(state, Compact)}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                    sent = version;
                    if (state.Finished) return;
                }
                await Task.Delay(200, ct);
                (state, version) = host.Jobs.Watch(id);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static readonly JsonSerializerOptions Compact = new(HostConnection.JsonOptions) { WriteIndented = false };
}
