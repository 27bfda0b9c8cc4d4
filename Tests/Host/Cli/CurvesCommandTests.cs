using VaeCreative.Core.Training;
using VaeCreative.Host.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary><c>vaecreative curves</c> in a child process.</summary>
public class CurvesCommandTests
{
    private static TempDir ModelWithLog(int steps)
    {
        var dir = new TempDir();
        File.WriteAllLines(dir.File(TrainingRun.MetricsFile), Enumerable.Range(1, steps).Select(s =>
            $"{{\"step\":{s},\"loss\":{100.0 / s},\"reconstruction_nats\":{90.0 / s},\"kl_nats\":{s % 5 + 1},\"elbo_nats\":{90.0 / s + s % 5 + 1},\"beta\":1}}"));
        return dir;
    }

    [Fact]
    public void Writes_the_models_own_curves_png_and_redraws_it_without_force()
    {
        using var dir = ModelWithLog(50);
        var first = Support.Cli.Run("curves", "--model", dir.Path);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var png = dir.File(TrainingCurves.FileName);
        Assert.Equal(png, first.Stdout.Trim());
        PngCheck.AssertPng(png, TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);

        var again = Support.Cli.Run("curves", "--model", dir.Path);
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    [Fact]
    public void Another_existing_file_needs_force()
    {
        using var dir = ModelWithLog(20);
        var other = dir.File("mine.png");
        File.WriteAllText(other, "keep me");
        var refused = Support.Cli.Run("curves", "--model", dir.Path, "--out", other);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exist", refused.Stderr);
        Assert.Equal("keep me", File.ReadAllText(other));

        var forced = Support.Cli.Run("curves", "--model", dir.Path, "--out", other, "--force");
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        PngCheck.AssertPng(other, TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_non_zero_exit()
    {
        using var dir = new TempDir();
        var none = Support.Cli.Run("curves", "--model", dir.Path);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains($"error: '{dir.Path}' has no metrics.jsonl (or metrics.jsonl.gz) to draw curves from.", none.Stderr);

        File.WriteAllText(dir.File(TrainingRun.MetricsFile), "");
        var empty = Support.Cli.Run("curves", "--model", dir.Path);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("is empty: the run logged no training step yet.", empty.Stderr);
        Assert.False(File.Exists(dir.File(TrainingCurves.FileName)));

        var missing = Support.Cli.Run("curves", "--model", dir.File("nowhere"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);

        var notPng = Support.Cli.Run("curves", "--model", dir.Path, "--out", dir.File("curves.jpg"));
        Assert.Equal(2, notPng.ExitCode);
        Assert.Contains("--out must name a .png file", notPng.Stderr);

        var noModel = Support.Cli.Run("curves");
        Assert.Equal(2, noModel.ExitCode);
    }
}
