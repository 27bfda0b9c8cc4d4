using System.Diagnostics;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Docs;

/// <summary>The docs' relative links, anchors and layout paths resolve (scripts/check-doc-links.py).</summary>
public class DocLinksTests
{
    [Fact]
    public async Task Every_link_anchor_and_layout_path_in_the_docs_resolves()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "check-doc-links.py"));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/check-doc-links.py exited {process.ExitCode}:\n{await output}{errors}");
    }
}
