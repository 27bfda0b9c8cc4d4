using System.Diagnostics;

namespace VaeCreative.Tests.Support;

/// <summary>
/// Runs inline scripts with Debian's <c>/usr/bin/python3</c> (not whichever python3 is first on PATH), whose PIL, wave
/// and mido read our outputs independently of the libraries that wrote them.
/// </summary>
public static class Python
{
    public const string Path = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> as <c>sys.argv[1:]</c> and returns its standard output; fails the test when it fails.</summary>
    public static string Run(string script, params string[] args)
    {
        Assert.True(File.Exists(Path), $"{Path} is needed (scripts/setup.sh --test-tools installs it)");
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(true);
            throw new TimeoutException("python3 did not finish in a minute");
        }
        Assert.True(process.ExitCode == 0, $"python3 failed (exit {process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>
    /// Runs the script file <paramref name="script"/> with <paramref name="args"/>, waiting at most
    /// <paramref name="timeout"/>; returns its exit code, standard output and standard error (a failure is the caller's to judge).
    /// </summary>
    public static (int Code, string Stdout, string Stderr) RunFile(string script, TimeSpan timeout, params string[] args)
    {
        Assert.True(File.Exists(Path), $"{Path} is needed");
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(timeout), $"{System.IO.Path.GetFileName(script)} did not finish in {timeout.TotalSeconds:0} s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
