using System.Diagnostics;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Docs;

/// <summary>Every vaecreative command the docs show names a real subcommand and real options (scripts/check-doc-commands.py).</summary>
public class DocCommandsTests
{
    [Fact]
    public async Task Every_command_in_the_docs_uses_a_subcommand_and_options_its_help_lists()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "check-doc-commands.py"));
        // The CLI built beside the tests, so that the docs are checked against this build's options rather than
        // whatever Release build Generator.Host/bin holds (the script's default).
        if (File.Exists(RepoPaths.CliDll))
        {
            start.ArgumentList.Add("--cli");
            start.ArgumentList.Add(RepoPaths.CliDll);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/check-doc-commands.py exited {process.ExitCode}:\n{await output}{errors}");
    }
}
