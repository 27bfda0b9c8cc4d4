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
        about.MapGet("/info", Info).ProducesProblems().WithSummary("Version, capabilities, devices, queue, limits and the folders jobs may use.").WithName("GetInfo");
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
            Precision = Core.Serving.InferencePrecisionNames.NameOf(host.Precision) }],
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
            DefaultCount = Core.Variation.GenerationLimits.DefaultCount,
            DefaultSimilarity = Core.Variation.GenerationLimits.DefaultSimilarity,
        },
        Folders = new FoldersInfo
        {
            Outputs = host.Jobs.Folders.Outputs,
            Models = host.Options.ModelsDirectory is { } models ? Path.GetFullPath(models) : null,
            Inputs = host.Jobs.Folders.Inputs.ToList(),
        },
    };
}
