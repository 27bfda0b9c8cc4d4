using Spectre.Console;

namespace VaeCreative.Host.Cli;

/// <summary>Human-facing output on stderr, so stdout stays clean for --json and pipes.</summary>
public sealed class Terminal
{
    private Terminal(IAnsiConsole console) => Console = console;

    /// <summary>The stderr terminal.</summary>
    public static Terminal Error { get; } = new(AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(System.Console.Error),
    }));

    /// <summary>The Spectre console over stderr.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when stderr is an interactive terminal (progress bars), false in pipes and CI (plain lines).</summary>
    public bool Interactive => Console.Profile.Capabilities.Interactive && !System.Console.IsErrorRedirected;

    /// <summary>Writes one plain line (unwrapped when stderr is not a terminal, so logs keep one line per message).</summary>
    public void Line(string text)
    {
        if (Interactive) Console.WriteLine(text, Style.Plain);
        else System.Console.Error.WriteLine(text);
    }
}
