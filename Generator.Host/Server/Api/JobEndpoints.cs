using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Host.Server.Api;

/// <summary><c>/v1/jobs</c>: training and augment jobs and their progress events.</summary>
public static class JobEndpoints
{
    /// <summary>Maps the endpoints onto <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1)
    {
        var jobs = v1.MapGroup("").WithTags("jobs");
        jobs.MapPost("/jobs", async (HttpContext context, ServerContext host) =>
            {
                var body = await RequestBody.Read<JobRequest>(context, host.Options);
                var job = host.Jobs.Start(body);
                return Results.Created($"/v1/jobs/{job.Id}", job);
            })
            .Accepts<JobRequest>("application/json").Produces<JobState>(StatusCodes.Status201Created)
            .ProducesProblems(400, 404, 408, 409, 413, 415, 503)
            .WithSummary("Starts a job: training a new model from a folder on the host's machine, or (kind augment) varying every file of a folder into another.").WithName("StartJob");
        jobs.MapGet("/jobs/{id}", (string id, ServerContext host) => host.Jobs.Get(id)).ProducesProblems(404)
            .WithSummary("A job's state.").WithName("GetJob");
        jobs.MapDelete("/jobs/{id}", (string id, ServerContext host) => host.Jobs.Cancel(id)).ProducesProblems(404)
            .WithSummary("Cancels this job (only this one); an augment job keeps the outputs it wrote, and a new one with the same settings resumes.").WithName("CancelJob");
        jobs.MapGet("/jobs/{id}/events", Events)
            .WithSummary("The job's progress as Server-Sent Events: one 'progress' event per change, ending with the finished state.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream").ProducesProblems(404).WithName("WatchJob");
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
