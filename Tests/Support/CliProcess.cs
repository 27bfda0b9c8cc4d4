using System.Diagnostics;

namespace VaeCreative.Tests.Support;

/// <summary>
/// A long-running <c>vaecreative</c> command (serve, studio) in a child process: its stdout read line by line, its stderr
/// collected, and SIGTERM with a bounded wait when the test is done with it.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stderr;

    private CliProcess(Process process)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <c>vaecreative ARGS</c> with extra <paramref name="environment"/> variables.</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        return new CliProcess(Process.Start(Cli.StartInfo(environment ?? new Dictionary<string, string>(), args))!);
    }

    /// <summary>Starts <c>vaecreative ARGS</c>.</summary>
    public static CliProcess Start(params string[] args) => Start(null, args);

    /// <summary>The next line on stdout (within a minute: a host's start takes seconds).</summary>
    public Task<string?> ReadLineAsync() => process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>Sends SIGTERM, waits for the exit (asserting it came within 30 s) and returns the exit code and stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> StopAsync()
    {
        if (!process.HasExited) Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the command did not stop on SIGTERM");
        return (process.ExitCode, await stderr);
    }

    /// <summary>Kills it when a test ends without <see cref="StopAsync"/> (a failed assertion).</summary>
    public void Dispose()
    {
        if (!process.HasExited)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
        process.Dispose();
    }
}
