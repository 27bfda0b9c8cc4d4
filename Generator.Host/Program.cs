using System.CommandLine;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Training;
using VaeCreative.Host.Cli;
using VaeCreative.Host.Composition;

namespace VaeCreative.Host;

/// <summary>The <c>vaecreative</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs the CLI; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        var verbose = args.Contains("--verbose");
        try
        {
            using var services = HostServices.Build();
            var root = BuildRoot(services);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                var command = string.Join(' ', parse.CommandResult.Command.Name is var name && name != root.Name ? ["vaecreative", name] : new[] { "vaecreative" });
                Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see '{command} --help')");
                return 2;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    /// <summary>The command tree.</summary>
    public static RootCommand BuildRoot(IServiceProvider services)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces with errors.", Recursive = true };
        return new RootCommand("VaeCreative: variations of MIDI melodies (and more) from variational autoencoders.")
        {
            verbose,
            DemoCommand.Create(services),
            GenerateCommands.Vary(services),
            GenerateCommands.Interpolate(services),
            GenerateCommands.Sample(services),
            LatentCommands.Encode(services),
            LatentCommands.Decode(services),
            TrainCommand.Create(services),
            EvalCommand.Create(services),
            AttributesCommand.Create(services),
            CurvesCommand.Create(services),
            SurveyCommand.Create(services),
            ServeCommand.Create(),
            StudioCommand.Create(),
        };
    }

    private static string StripParameter(ArgumentException e)
    {
        var line = e.Message.Split('\n')[0];
        var at = line.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at > 0 ? line[..at] : line;
    }

    /// <summary>Prints one line for <paramref name="e"/> (a trace with --verbose) and picks the exit code.</summary>
    public static int Report(Exception e, bool verbose)
    {
        var (message, code) = e switch
        {
            CliException c => (c.Message, c.ExitCode),
            Server.AddressInUseException => (e.Message, 1),
            NotSupportedException => (e.Message, 1),
            MaterialException or ModelLoadException or CheckpointException or TrainingDivergedException or TrainingDataException => (e.Message, 1),
            TorchUnavailableException => (e.Message, 3),
            _ when TorchRuntime.IsLoadFailure(e) => (TorchRuntime.Explain(e), 3),
            ArgumentException a => (StripParameter(a), 2),
            FormatException => (e.Message.Split('\n')[0], 2),
            DirectoryNotFoundException or FileNotFoundException or UnauthorizedAccessException or IOException => (e.Message, 1),
            _ => ($"unexpected {e.GetType().Name}: {e.Message.Split('\n')[0]}", 70),
        };
        Console.Error.WriteLine($"error: {message}");
        if (verbose) Console.Error.WriteLine(e);
        else if (code == 70) Console.Error.WriteLine("(run with --verbose for details)");
        return code;
    }
}
