using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using VaeCreative.Core.Training;
using VaeCreative.Host.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Training;

public class TrainingCurvesTests
{
    /// <summary>A metrics log shaped like the trainer's: falling loss, rising KL, validation every <paramref name="validateEvery"/> steps.</summary>
    private static IEnumerable<string> Lines(int steps, bool accuracy = true, int validateEvery = 50)
    {
        var noise = new Random(1);
        for (var step = 1; step <= steps; step++)
        {
            var recon = 100 * Math.Exp(-step / 80.0) + 5 + noise.NextDouble();
            var kl = 20 * (1 - Math.Exp(-step / 40.0)) + 0.1;
            var beta = Math.Min(1, step / 100.0);
            var acc = accuracy ? string.Create(CultureInfo.InvariantCulture, $",\"accuracy\":{1 - recon / 110:R}") : "";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{{\"step\":{step},\"loss\":{recon + beta * kl:R},\"reconstruction_nats\":{recon:R},\"kl_nats\":{kl:R},\"elbo_nats\":{recon + kl:R}{acc},\"beta\":{beta:R},\"learning_rate\":0.001,\"examples_per_s\":100}}");
            if (step % validateEvery == 0)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{{\"step\":{step},\"split\":\"validation\",\"examples\":10,\"elbo_nats\":{recon + kl:R},\"reconstruction_nats\":{recon:R},\"kl_nats\":{kl:R},\"accuracy_teacher_forced\":{(accuracy ? "0.5" : "null")}}}");
        }
    }

    private static string WriteLog(TempDir dir, IEnumerable<string> lines, string name = TrainingRun.MetricsFile)
    {
        var path = dir.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void A_model_directory_gets_a_png_that_an_independent_decoder_opens_at_the_default_size()
    {
        using var dir = new TempDir();
        WriteLog(dir, Lines(300));
        var written = TrainingCurves.Write(dir.Path);
        Assert.Equal(dir.File(TrainingCurves.FileName), written);
        PngCheck.AssertPng(written, TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);
        Assert.Empty(Directory.GetFiles(dir.Path, ".*.tmp")); // written atomically: no temporary left beside it
    }

    [Fact]
    public void Render_draws_at_the_size_asked_for()
    {
        using var dir = new TempDir();
        var log = MetricsLog.Read(WriteLog(dir, Lines(40)));
        var path = dir.File("small.png");
        File.WriteAllBytes(path, TrainingCurves.Render(log, "tiny", 640, 480));
        PngCheck.AssertPng(path, 640, 480);
    }

    [Fact]
    public void A_partial_last_line_and_missing_accuracy_are_read_and_drawn()
    {
        using var dir = new TempDir();
        var lines = Lines(120, accuracy: false).ToList();
        lines.Add("{\"step\":121,\"loss\":4.5,\"reconst"); // the log of a run still writing
        WriteLog(dir, lines);

        var log = MetricsLog.Read(dir.File(TrainingRun.MetricsFile));
        Assert.Equal(120, log.Training.Count);
        Assert.Equal(2, log.Validation.Count);
        Assert.Equal(1, log.SkippedLines);
        Assert.All(log.Training, e => Assert.Null(e.Accuracy));
        Assert.All(log.Validation, e => Assert.Null(e.Accuracy));
        PngCheck.AssertPng(TrainingCurves.Write(dir.Path), TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);
    }

    [Fact]
    public void Missing_null_and_non_finite_figures_become_null_and_lines_without_a_step_are_skipped()
    {
        using var dir = new TempDir();
        var log = MetricsLog.Read(WriteLog(dir,
        [
            "{\"step\":1,\"loss\":10,\"kl_nats\":\"NaN\",\"accuracy\":null}",
            "{\"step\":2,\"loss\":\"Infinity\",\"kl_nats\":\"0.5\"}",
            "{\"loss\":3}",
            "[1,2]",
            "",
            "{\"step\":3,\"loss\":8}",
        ]));
        Assert.Equal([1L, 2, 3], log.Training.Select(e => e.Step));
        Assert.Equal([10.0, null, 8.0], log.Training.Select(e => e.Loss));
        Assert.Equal([null, 0.5, null], log.Training.Select(e => e.KlNats));
        Assert.Equal(2, log.SkippedLines);
        Assert.NotEmpty(TrainingCurves.Render(log, "gaps", 400, 300));
    }

    [Fact]
    public void An_empty_log_is_a_clear_error()
    {
        using var dir = new TempDir();
        var path = WriteLog(dir, []);
        var e = Assert.Throws<MetricsLogException>(() => MetricsLog.Read(path));
        Assert.Equal($"the metrics log '{path}' is empty: the run logged no training step yet.", e.Message);

        File.WriteAllLines(path, ["not json", "{\"step\":1,\"split\":\"validation\",\"elbo_nats\":3}"]);
        e = Assert.Throws<MetricsLogException>(() => MetricsLog.Read(path));
        Assert.Contains("has no readable training step (1 unreadable line(s))", e.Message);
    }

    [Fact]
    public void A_directory_without_a_log_is_a_clear_error()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<MetricsLogException>(() => TrainingCurves.Write(dir.Path));
        Assert.Equal($"'{dir.Path}' has no metrics.jsonl (or metrics.jsonl.gz) to draw curves from.", e.Message);
        Assert.False(File.Exists(dir.File(TrainingCurves.FileName)));
    }

    [Fact]
    public void A_gzipped_log_is_read_when_the_plain_one_is_absent()
    {
        using var dir = new TempDir();
        using (var gz = new GZipStream(File.Create(dir.File(MetricsLog.CompressedFile)), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gz))
            foreach (var line in Lines(60)) writer.WriteLine(line);
        Assert.Equal(dir.File(MetricsLog.CompressedFile), MetricsLog.Find(dir.Path));
        Assert.Equal(60, MetricsLog.Read(dir.File(MetricsLog.CompressedFile)).Training.Count);
        PngCheck.AssertPng(TrainingCurves.Write(dir.Path), TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);
    }

    [Fact]
    public void A_log_of_150000_steps_is_thinned_and_drawn_in_seconds()
    {
        using var dir = new TempDir();
        WriteLog(dir, Lines(150_000, validateEvery: 1000));
        var clock = Stopwatch.StartNew();
        var path = TrainingCurves.Write(dir.Path);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(new FileInfo(path).Length < 400_000, $"{new FileInfo(path).Length} bytes");
        PngCheck.AssertPng(path, TrainingCurves.DefaultWidth, TrainingCurves.DefaultHeight);
    }

    [Fact]
    public void Every_bundled_model_log_draws()
    {
        foreach (var model in Directory.GetDirectories(Path.Combine(RepoPaths.Root, "models")))
        {
            var log = MetricsLog.Read(MetricsLog.Find(model) ?? throw new Xunit.Sdk.XunitException($"{model} has no metrics log"));
            Assert.Equal(0, log.SkippedLines);
            Assert.NotEmpty(TrainingCurves.Render(log, Path.GetFileName(model), 600, 450));
        }
    }
}
