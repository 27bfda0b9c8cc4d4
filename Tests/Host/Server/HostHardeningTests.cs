using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Tests.Host.Server;

/// <summary>A host with short connection limits, for clients that misbehave on the wire.</summary>
public sealed class HardenedHost : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;

    public LogCapture Log { get; } = new();

    public async Task InitializeAsync() => Host = await RunningHost.Start(o => o with
    {
        RequestHeadersTimeout = TimeSpan.FromSeconds(2),
        KeepAliveTimeout = TimeSpan.FromSeconds(2),
        BodyTimeout = TimeSpan.FromSeconds(2),
        LoggerProvider = Log,
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Malformed, truncated, slow and oversized requests over raw sockets; Origin and Host variants.</summary>
public class HostHardeningTests(HardenedHost fixture) : IClassFixture<HardenedHost>
{
    private const string Samples = "/v1/models/melody-2bar/samples";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private RunningHost Host => fixture.Host;

    /// <summary>The problem, after checking that it names no .NET type and that the host logged it as one line without a stack.</summary>
    private RawResponse.ProblemAndLog Logged(RawResponse response)
    {
        var problem = response.Problem();
        Assert.DoesNotContain("Exception", problem.Detail);
        Assert.DoesNotContain("System.", problem.Detail);
        Assert.NotNull(problem.RequestId);
        var lines = fixture.Log.Entries.Where(e => e.Message.Contains(problem.RequestId!)).ToList();
        var line = Assert.Single(lines);
        Assert.Null(line.Exception);
        Assert.DoesNotContain('\n', line.Message);
        return new(problem, line.Message);
    }

    private string Head(string method, string path, string extra = "") =>
        $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Host.Server.Token}\r\nConnection: close\r\n{extra}";

    [Fact]
    public async Task A_malformed_chunked_body_gets_400_bad_request()
    {
        var response = await RawHttp.Exchange(Host.Server.Url,
            Head("POST", Samples, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n") + "zz\r\n{}\r\n0\r\n\r\n", Deadline);
        Assert.Equal(400, response.Status);
        var (problem, _) = Logged(response);
        Assert.Equal(ProblemTypes.BadRequest, problem.Type);
        Assert.Contains("chunk", problem.Detail);
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_one_log_line_without_a_stack()
    {
        // The client half-closes after part of the body: Kestrel takes that as the client leaving, so there may be
        // nobody to answer; either way the host logs one line, not a 500 with a stack trace.
        var id = "short-body-" + Guid.NewGuid().ToString("N");
        using var raw = await RawHttp.Connect(Host.Server.Url);
        await raw.Send(Head("POST", Samples, $"X-Request-Id: {id}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n") + "{\"count\":");
        raw.EndSending();
        var response = await raw.Receive(Deadline);
        Assert.True(response.Status is 0 or 400, $"status {response.Status}");
        await GenerationQueueTests.Until(() => fixture.Log.Entries.Any(e => e.Message.Contains(id)), 10_000);
        var line = Assert.Single(fixture.Log.Entries, e => e.Message.Contains(id));
        Assert.Null(line.Exception);
        Assert.True(line.Level < LogLevel.Warning, line.Message);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_gets_408_in_bounded_time()
    {
        using var raw = await RawHttp.Connect(Host.Server.Url);
        await raw.Send(Head("POST", Samples, "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n") + "{\"count\":");
        var response = await raw.Receive(Deadline);
        Assert.Equal(408, response.Status);
        Assert.Equal(ProblemTypes.RequestTimeout, Logged(response).Problem.Type);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(10), $"took {response.Elapsed}");
    }

    [Fact]
    public async Task A_body_trickling_below_the_minimum_rate_gets_408_from_the_rate_limit()
    {
        // A whole-body deadline far away: Kestrel's minimum data rate (240 B/s after a 5 s grace period) answers first.
        await using var host = await RunningHost.Start(o => o with { BodyTimeout = TimeSpan.FromMinutes(5) });
        using var raw = await RawHttp.Connect(host.Server.Url);
        await raw.Send($"POST {Samples} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {host.Server.Token}\r\nConnection: close\r\n" +
                       "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        var response = await raw.Receive(Deadline);
        Assert.Equal(408, response.Status);
        Assert.Equal(ProblemTypes.RequestTimeout, response.Problem().Type);
        Assert.Contains("too slowly", response.Problem().Detail);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(15), $"took {response.Elapsed}");
    }

    [Fact]
    public async Task A_body_without_content_type_gets_415()
    {
        var response = await RawHttp.Exchange(Host.Server.Url, Head("POST", Samples, "Content-Length: 2\r\n\r\n") + "{}", Deadline);
        Assert.Equal(415, response.Status);
        Assert.Equal(ProblemTypes.BadRequest, Logged(response).Problem.Type);
        var wrong = await RawHttp.Exchange(Host.Server.Url, Head("POST", Samples, "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n") + "{}", Deadline);
        Assert.Equal(415, wrong.Status);
        var json = await RawHttp.Exchange(Host.Server.Url, Head("POST", Samples, "Content-Type: application/json; charset=utf-8\r\nContent-Length: 11\r\n\r\n") + "{\"count\":1}", Deadline);
        Assert.Equal(200, json.Status);
    }

    public static TheoryData<string, byte[], string> NotUnicode => new()
    {
        // Issue 23, item 5: each of these was a 500 with a stack trace in the log.
        { "a string", [.. "{\"seed\":{\"text\":\"ab"u8, 0xFF, .. "cd\"}}"u8], "the body is not valid UTF-8 (line 1, byte 20: 0xFF)" },
        { "a field name", [.. "{\"co"u8, 0xE9, .. "nt\":3}"u8], "the body is not valid UTF-8 (line 1, byte 5: 0xE9)" },
        { "an overlong NUL", [.. "{\"seed\":{\"text\":\"a"u8, 0xC0, 0x80, .. "\"}}"u8], "the body is not valid UTF-8 (line 1, byte 19: 0xC0)" },
        { "a lone surrogate", "{\"seed\":{\"text\":\"ab\\ud800cd\"}}"u8.ToArray(), "`seed.text` holds a lone surrogate (\\uD800–\\uDFFF without its pair)" },
        { "a lone surrogate in a name", "{\"seed\":{\"te\\udc00xt\":\"ab\"}}"u8.ToArray(), "a field name in `seed` holds a lone surrogate" },
    };

    [Theory]
    [MemberData(nameof(NotUnicode))]
    public async Task Json_that_is_not_unicode_gets_400_bad_request_and_one_log_line(string where, byte[] body, string expected)
    {
        using var raw = await RawHttp.Connect(Host.Server.Url);
        await raw.Send([.. Encoding.ASCII.GetBytes(Head("POST", "/v1/models/melody-2bar/variations", $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n")), .. body]);
        var response = await raw.Receive(Deadline);
        Assert.True(response.Status == 400, $"{where}: {response.Status} {response.Body}");
        var (problem, _) = Logged(response);
        Assert.Equal(ProblemTypes.BadRequest, problem.Type);
        Assert.Contains(expected, problem.Detail);
    }

    [Theory]
    [InlineData("http://attacker.com@127.0.0.1")]
    [InlineData("http://127.0.0.1.attacker.com")]
    [InlineData("http://localhost.attacker.com")]
    [InlineData("http://localhost@attacker.com")]
    [InlineData("http://attacker.com#@localhost")]
    [InlineData("http://localhost/x")]
    [InlineData("null")]
    [InlineData("file://")]
    [InlineData("https://example.com")]
    public async Task A_foreign_or_malformed_origin_is_refused(string origin)
    {
        var response = await RawHttp.Exchange(Host.Server.Url, Head("GET", "/v1/models", $"Origin: {origin}\r\n\r\n"), Deadline);
        Assert.Equal(403, response.Status);
        Assert.Equal(ProblemTypes.ForbiddenOrigin, response.Problem().Type);
    }

    [Theory]
    [InlineData("http://localhost:3000")]
    [InlineData("http://LOCALHOST:3000")]
    [InlineData("HTTP://127.0.0.1")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://localhost.")]
    [InlineData("https://app.localhost")]
    public async Task A_loopback_origin_is_served(string origin)
    {
        var response = await RawHttp.Exchange(Host.Server.Url, Head("GET", "/v1/models", $"Origin: {origin}\r\n\r\n"), Deadline);
        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("attacker.com")]
    [InlineData("127.0.0.1.attacker.com")]
    [InlineData("localhost.attacker.com")]
    [InlineData("attacker.com@127.0.0.1")]
    [InlineData("127.0.0.1@attacker.com")]
    [InlineData("")]
    public async Task A_foreign_or_malformed_host_header_is_refused(string host)
    {
        var response = await RawHttp.Exchange(Host.Server.Url,
            $"GET /v1/models HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {Host.Server.Token}\r\nConnection: close\r\n\r\n", Deadline);
        Assert.True(response.Status is 400 or 403, $"status {response.Status}");
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("localhost.")]
    [InlineData("[::1]")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    public async Task A_loopback_host_header_is_served(string host)
    {
        var response = await RawHttp.Exchange(Host.Server.Url,
            $"GET /v1/models HTTP/1.1\r\nHost: {host}:{Host.Server.Url.Port}\r\nAuthorization: Bearer {Host.Server.Token}\r\nConnection: close\r\n\r\n", Deadline);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task An_overlong_url_gets_414_and_oversized_headers_get_431()
    {
        var url = await RawHttp.Exchange(Host.Server.Url, Head("GET", "/v1/models?" + new string('a', 16 * 1024), "\r\n"), Deadline);
        Assert.Equal(414, url.Status);
        var headers = await RawHttp.Exchange(Host.Server.Url, Head("GET", "/v1/models", $"X-Big: {new string('b', 40 * 1024)}\r\n\r\n"), Deadline);
        Assert.Equal(431, headers.Status);
        var many = string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: v\r\n"));
        var count = await RawHttp.Exchange(Host.Server.Url, Head("GET", "/v1/models", many + "\r\n"), Deadline);
        Assert.Equal(431, count.Status);
    }

    [Fact]
    public async Task Headers_that_arrive_slowly_are_cut_off_in_bounded_time()
    {
        using var raw = await RawHttp.Connect(Host.Server.Url);
        var clock = Stopwatch.StartNew();
        await raw.Send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        Assert.True(await raw.ClosedWithin(TimeSpan.FromSeconds(20)), "the host kept waiting for the headers");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_idle_connection_is_closed_in_bounded_time()
    {
        using var raw = await RawHttp.Connect(Host.Server.Url);
        var clock = Stopwatch.StartNew();
        Assert.True(await raw.ClosedWithin(TimeSpan.FromSeconds(20)), "the host kept an idle connection open");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}

public class HostErrorHandlingTests
{
    [Fact]
    public async Task A_bug_is_answered_500_with_a_pointer_to_the_log_and_logged_once_with_its_stack()
    {
        var log = new LogCapture();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(log)).BuildServiceProvider();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await VaeCreative.Host.Server.GeneratorServer.HandleErrors(context, _ => throw new InvalidOperationException("secret internals of System.Int32"));
        Assert.Equal(500, context.Response.StatusCode);
        var problem = System.Text.Json.JsonSerializer.Deserialize<Problem>(((MemoryStream)context.Response.Body).ToArray(), global::VaeCreative.Client.HostConnection.JsonOptions)!;
        Assert.Equal(ProblemTypes.Internal, problem.Type);
        Assert.Equal($"internal error, see the host log (request id {problem.RequestId}).", problem.Detail);
        var entry = Assert.Single(log.Entries);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains(problem.RequestId!, entry.Message);
    }
}
