using System.Diagnostics;

namespace VaeCreative.Tests.Support;

/// <summary>Runs the real <c>vaecreative</c> CLI in a child process.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs the CLI with extra <paramref name="environment"/> variables (e.g. a crash-test hook).</summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(true);
            throw new TimeoutException("vaecreative " + string.Join(' ', args) + " did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary><c>dotnet vaecreative.dll ARGS</c> with stdout and stderr redirected and extra <paramref name="environment"/> variables.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Checks files with python3-mido, an independent MIDI parser (scripts/setup.sh --test-tools installs it): one line per file.</summary>
    public static string? MidoCheck(IEnumerable<string> paths) =>
        Python.Run("import sys, mido\nfor p in sys.argv[1:]:\n    m = mido.MidiFile(p)\n    n = sum(1 for t in m.tracks for msg in t if msg.type == 'note_on' and msg.velocity > 0)\n    print(p, m.type, len(m.tracks), n)\n",
            paths.ToArray());

    /// <summary>Whether CI should insist on the independent parser.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";
}
