using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace VaeCreative.Tests.Host.Server;

/// <summary>HTTP/1.1 over a bare socket, for requests no HttpClient would send (malformed, truncated, slow).</summary>
public sealed class RawHttp : IDisposable
{
    private readonly TcpClient tcp;
    private readonly NetworkStream stream;

    private RawHttp(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
    }

    public static async Task<RawHttp> Connect(Uri url)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        return new RawHttp(tcp);
    }

    /// <summary>Sends one request and reads the answer (the request should say 'Connection: close').</summary>
    public static async Task<RawResponse> Exchange(Uri url, string request, TimeSpan deadline)
    {
        using var raw = await Connect(url);
        await raw.Send(request);
        return await raw.Receive(deadline);
    }

    public async Task Send(string text) => await Send(Encoding.ASCII.GetBytes(text));

    public async Task Send(byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Tells the host that no more bytes will come (TCP half-close).</summary>
    public void EndSending() => tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Whether the host closed (or reset) the connection within <paramref name="deadline"/>; bytes it sent are skipped.</summary>
    public async Task<bool> ClosedWithin(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0) { }
            return true;
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>Reads until the host closes the connection (or the deadline passes) and parses what came.</summary>
    public async Task<RawResponse> Receive(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(deadline);
        var all = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0) all.Write(buffer, 0, n);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return RawResponse.Parse(all.ToArray(), clock.Elapsed);
    }

    public void Dispose()
    {
        stream.Dispose();
        tcp.Dispose();
    }
}

/// <summary>A parsed HTTP/1.1 answer (status 0 when nothing came).</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Elapsed)
{
    public static RawResponse Parse(byte[] bytes, TimeSpan elapsed)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) return new RawResponse(0, new Dictionary<string, string>(), Encoding.UTF8.GetString(bytes), elapsed);
        var lines = Encoding.ASCII.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = bytes[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body), elapsed);
    }

    /// <summary>The body without its chunk framing; chunk sizes count bytes, so this works on bytes, before decoding.</summary>
    private static byte[] Dechunk(byte[] body)
    {
        var result = new List<byte>(body.Length);
        var at = 0;
        while (at < body.Length)
        {
            var eol = body.AsSpan(at).IndexOf("\r\n"u8);
            if (eol < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, eol).Split(';')[0], 16);
            if (size == 0) break;
            var start = at + eol + 2;
            result.AddRange(body.AsSpan(start, Math.Min(size, body.Length - start)));
            at = start + size + 2;
        }
        return [.. result];
    }

    public sealed record ProblemAndLog(global::VaeCreative.Client.Contracts.Problem Problem, string LogLine);

    public global::VaeCreative.Client.Contracts.Problem Problem()
    {
        Assert.True(Headers.TryGetValue("Content-Type", out var type) && type.StartsWith("application/problem+json", StringComparison.Ordinal),
            $"not problem+json: status {Status}, body '{Body}'");
        return System.Text.Json.JsonSerializer.Deserialize<global::VaeCreative.Client.Contracts.Problem>(Body, global::VaeCreative.Client.HostConnection.JsonOptions)!;
    }
}
