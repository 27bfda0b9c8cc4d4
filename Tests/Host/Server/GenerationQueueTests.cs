using System.Net;
using System.Text;
using VaeCreative.Client.Contracts;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server;

public class GenerationQueueTests
{
    private const string Model = "melody-2bar";
    private static readonly string Body =
        $"{{\"seed\":{{\"midi\":\"{Convert.ToBase64String(File.ReadAllBytes(RepoPaths.SeedMelody))}\"}},\"count\":1}}";

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after()
    {
        await using var host = await RunningHost.Start(o => o with { QueueCapacity = 2 });
        var queue = host.Server.Context.Queue;
        queue.Pause();
        using var http = host.RawHttp();
        var waiting = Enumerable.Range(0, 2).Select(_ => http.PostAsync($"/v1/models/{Model}/variations", Json())).ToList();
        await Until(() => queue.Waiting == 2);
        var refused = await http.PostAsync($"/v1/models/{Model}/variations", Json());
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(ProblemTypes.Overloaded, (await GeneratorServerTests.ProblemOf(refused)).Type);
        queue.Resume();
        foreach (var r in await Task.WhenAll(waiting)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(1, queue.Rejected);
    }

    [Fact]
    public async Task A_cancelled_request_is_dropped_before_it_reaches_the_model()
    {
        await using var host = await RunningHost.Start();
        var queue = host.Server.Context.Queue;
        await host.Client.SampleAsync(Model, new SamplesRequest { Count = 1 }); // model loaded, counters known
        var executedBefore = queue.Executed;
        queue.Pause();
        using var http = host.RawHttp();
        using var cancel = new CancellationTokenSource();
        var request = http.PostAsync($"/v1/models/{Model}/variations", Json(), cancel.Token);
        await Until(() => queue.Waiting == 1);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await Until(() => queue.Abandoned == 1); // the host saw the client leave
        queue.Resume();
        await Until(() => queue.Dropped == 1);
        Assert.Equal(executedBefore, queue.Executed);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_in_the_queue_gets_504_and_never_runs()
    {
        await using var host = await RunningHost.Start();
        var queue = host.Server.Context.Queue;
        queue.Pause();
        using var http = host.RawHttp();
        var body = Body.Replace("\"count\":1", "\"count\":1,\"timeoutMs\":50", StringComparison.Ordinal);
        var response = await http.PostAsync($"/v1/models/{Model}/variations", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(ProblemTypes.DeadlineExceeded, (await GeneratorServerTests.ProblemOf(response)).Type);
        queue.Resume();
        await Until(() => queue.Dropped == 1);
        Assert.Equal(0, queue.Executed);
    }

    [Fact]
    public async Task The_client_retries_a_429_after_the_retry_after_interval_and_then_succeeds()
    {
        await using var host = await RunningHost.Start(o => o with { QueueCapacity = 1 });
        var queue = host.Server.Context.Queue;
        queue.Pause();
        using var http = host.RawHttp();
        var occupying = http.PostAsync($"/v1/models/{Model}/variations", Json());
        await Until(() => queue.Waiting == 1);
        using var patient = new VaeCreative.Client.VaeCreativeClient(host.Server.Url, host.Server.Token,
            options: new VaeCreative.Client.VaeCreativeClientOptions { MaxRetries = 5 });
        var retried = patient.SampleAsync(Model, new SamplesRequest { Count = 1 });
        await Until(() => queue.Rejected >= 1);
        queue.Resume();
        Assert.Single((await retried).Outputs);
        Assert.Equal(HttpStatusCode.OK, (await occupying).StatusCode);
    }

    [Fact]
    public async Task Binding_a_non_loopback_address_needs_allow_remote()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            RunningHost.Start(o => o with { Url = "http://0.0.0.0:0" }));
        Assert.Contains("--allow-remote", e.Message);
    }

    private static StringContent Json() => new(Body, Encoding.UTF8, "application/json");

    internal static async Task Until(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException("condition not reached in time");
            await Task.Delay(10);
        }
    }
}
