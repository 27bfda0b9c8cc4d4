using System.Text.Json;
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
