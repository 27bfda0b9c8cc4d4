using System.Diagnostics;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// A test-only hook for crash tests: with <c>VAECREATIVE_TEST_KILL_AT=SITE:N</c> in the environment, the process
/// kills itself (SIGKILL on Unix, like <c>kill -9</c>) the N-th time it reaches <c>SITE</c>, so a test can stop
/// training inside any write window deterministically. Without the variable every call returns at once.
/// Sites: <c>FILE:written</c> (temporary file complete, not yet flushed or renamed) and <c>FILE:renamed</c>
/// (renamed, directory not yet flushed) for each atomic file write, e.g. <c>model.weights:written</c>;
/// <c>checkpoint:written</c>, <c>checkpoint:kept-previous</c>, <c>checkpoint:swapped</c> in a checkpoint save;
/// <c>step</c> after each optimiser step.
/// </summary>
public static class CrashPoint
{
    /// <summary>The environment variable that arms the hook.</summary>
    public const string Variable = "VAECREATIVE_TEST_KILL_AT";

    private static readonly (string Site, int Count)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int hits;

    /// <summary>Kills the process when <paramref name="site"/> is the armed site and this is its N-th hit.</summary>
    public static void Reached(string site)
    {
        if (Target is not { } target || !string.Equals(site, target.Site, StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref hits) == target.Count) Process.GetCurrentProcess().Kill();
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value.AsSpan(colon + 1), out var n) && n > 0 ? (value[..colon], n) : (value, 1);
    }
}
