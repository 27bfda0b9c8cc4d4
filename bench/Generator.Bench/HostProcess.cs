using System.Diagnostics;
using VaeCreative.Client;

namespace VaeCreative.Bench;

/// <summary>
/// A real <c>vaecreative serve</c> on a free loopback port with a token file of its own (the concurrency and soak
/// phases drive it); its stderr log is counted (lines, error lines) rather than kept.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;
    private readonly string folder;
    private int logLines, errorLines;

    private HostProcess(Process process, string folder)
    {
        this.process = process;
        this.folder = folder;
    }

    public Uri Url { get; private set; } = null!;
    public string Token { get; private set; } = "";
    public int LogLines => Volatile.Read(ref logLines);
    public int ErrorLines => Volatile.Read(ref errorLines);
    public string? FirstError { get; private set; }

    /// <summary>Starts the host from <paramref name="hostDll"/> with <paramref name="threads"/> libtorch threads, a 1,024-deep queue and <paramref name="extraArgs"/>.</summary>
    public static HostProcess Start(string hostDll, int threads, IEnumerable<string> extraArgs)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vaecreative-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var tokenFile = Path.Combine(folder, "host.json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { hostDll, "serve", "--urls", "http://127.0.0.1:0", "--token-file", tokenFile, "--threads", threads.ToString(), "--queue", "1024" }.Concat(extraArgs))
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var host = new HostProcess(process, folder);
        // Drain stderr before waiting for stdout's first line: a host that logs more than a pipe's worth first would block.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Interlocked.Increment(ref host.logLines);
            // The console logger marks errors "fail:" (and "crit:"); a stack trace's lines start with whitespace and "at ".
            if (e.Data.StartsWith("fail:", StringComparison.Ordinal) || e.Data.StartsWith("crit:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref host.errorLines);
                host.FirstError ??= e.Data.Length > 400 ? e.Data[..400] : e.Data;
            }
        };
        process.BeginErrorReadLine();
        var first = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the host exited before listening (first error: {host.FirstError ?? "none logged"})");
        const string prefix = "listening on ";
        if (!first.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidOperationException($"unexpected first line from the host: {first}");
        host.Url = new Uri(first[prefix.Length..]);
        host.Token = HostConnection.Read(tokenFile).Token;
        return host;
    }

    /// <summary>The host's resident set from /proc/PID/status (VmRSS), MB; -1 where there is no /proc.</summary>
    public double RssMb()
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? -1 : Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0, 1);
        }
        catch (IOException) { return -1; }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
        try { Directory.Delete(folder, true); }
        catch (IOException) { }
    }
}
