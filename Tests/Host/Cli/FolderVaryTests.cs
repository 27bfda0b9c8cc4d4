using System.Text.Json;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary><c>vary --seed FOLDER</c> through the real CLI: data augmentation of a whole tree.</summary>
public class FolderVaryTests
{
    private static string Seeds(TempDir temp)
    {
        var seeds = Path.Combine(temp.Path, "seeds");
        Directory.CreateDirectory(Path.Combine(seeds, "jigs"));
        var tunes = Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order(StringComparer.Ordinal).Take(2).ToList();
        File.Copy(tunes[0], Path.Combine(seeds, "one.mid"));
        File.Copy(tunes[1], Path.Combine(seeds, "jigs", "two.mid"));
        File.WriteAllBytes(Path.Combine(seeds, "jigs", "broken.mid"), [0x4d, 0x54, 0x68, 0x64, 0, 0]);
        File.WriteAllText(Path.Combine(seeds, "README.md"), "my tunes\n");
        return seeds;
    }

    [Fact]
    public void Varies_a_folder_with_progress_lists_skips_and_resumes_on_a_second_run()
    {
        using var temp = new TempDir();
        var seeds = Seeds(temp);
        var output = Path.Combine(temp.Path, "out");

        var first = Support.Cli.Run("vary", "--seed", seeds, "--count", "2", "--out", output);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("varying: ", first.Stderr); // progress lines (stderr is not a terminal here)
        Assert.Contains("ETA", first.Stderr);
        Assert.Contains("varied 2 file(s) into 4 output(s)", first.Stderr);
        Assert.Contains("skipped 1 file(s) that could not be read:", first.Stderr);
        Assert.Contains("  jigs/broken.mid: ", first.Stderr);
        Assert.Contains("ignored 1 file(s) of other types (.md ×1)", first.Stderr);
        foreach (var path in new[] { "one-var01.mid", "one-var02.mid", "jigs/two-var01.mid", "jigs/two-var02.mid" })
            Assert.True(File.Exists(Path.Combine(output, path)), path);
        if (Support.Cli.MidoCheck(Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories)) is { } mido)
            Assert.Equal(4, mido.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var second = Support.Cli.Run("vary", "--seed", seeds, "--count", "2", "--out", output, "--json");
        Assert.True(second.ExitCode == 0, second.Stderr);
        using var json = JsonDocument.Parse(second.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("filesVaried").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("alreadyDone").GetInt32());
        Assert.Equal("jigs/broken.mid", json.RootElement.GetProperty("skipped")[0].GetProperty("path").GetString());
    }

    [Fact]
    public void Killed_while_writing_a_second_run_finishes_with_the_outputs_of_a_run_never_killed()
    {
        using var temp = new TempDir();
        var seeds = Seeds(temp);
        var straight = Path.Combine(temp.Path, "straight");
        Assert.Equal(0, Support.Cli.Run("vary", "--seed", seeds, "--count", "2", "--out", straight).ExitCode);

        // Files go in path order (jigs/two.mid, then one.mid): killed with one-var02.mid written but not yet renamed.
        var output = Path.Combine(temp.Path, "out");
        var killed = Support.Cli.Run(new Dictionary<string, string> { [CrashPoint.Variable] = "one-var02.mid:written" },
            "vary", "--seed", seeds, "--count", "2", "--out", output);
        Assert.Equal(137, killed.ExitCode);
        Assert.Single(Directory.GetFiles(output, ".one-var02.mid.*.tmp"));
        Assert.False(File.Exists(Path.Combine(output, "one-var02.mid")));

        var resumed = Support.Cli.Run("vary", "--seed", seeds, "--count", "2", "--out", output);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming: 1 file(s) already varied", resumed.Stderr);
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
        var expected = Directory.GetFiles(straight, "*.mid", SearchOption.AllDirectories);
        Assert.Equal(4, expected.Length);
        foreach (var file in expected)
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(output, Path.GetRelativePath(straight, file))));
    }

    [Fact]
    public void Refuses_what_would_overwrite_or_mix_and_says_why()
    {
        using var temp = new TempDir();
        var seeds = Seeds(temp);
        var output = Path.Combine(temp.Path, "out");

        var noOut = Support.Cli.Run("vary", "--seed", seeds);
        Assert.Equal(2, noOut.ExitCode);
        Assert.Contains("--out FOLDER is required", noOut.Stderr);
        var force = Support.Cli.Run("vary", "--seed", seeds, "--out", output, "--force");
        Assert.Equal(2, force.ExitCode);
        Assert.Contains("never overwrites", force.Stderr);

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        var foreign = Support.Cli.Run("vary", "--seed", seeds, "--out", output);
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("did not write", foreign.Stderr);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));

        File.WriteAllText(Path.Combine(seeds, "lines.txt"), "a line of text\n");
        var mixed = Support.Cli.Run("vary", "--seed", seeds, "--out", Path.Combine(temp.Path, "mixed"));
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("several modalities", mixed.Stderr);
        Assert.Contains("--model", mixed.Stderr);
    }
}
