namespace VaeCreative.Host.Cli;

/// <summary>A user error the CLI reports as one line with a non-zero exit code.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>Process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
