using System.Text;
using System.Text.Json;
using VaeCreative.Tests.Support;
using VaeCreative.Tests.Text.Training;

namespace VaeCreative.Tests.Host.Cli;

/// <summary>The real CLI in a child process on the tiny text model: vary, interpolate, sample, eval, and bad text.</summary>
public class TextCliTests
{
    private static string Model => TinyTextRun.ModelDirectory;

    [Fact]
    public void Vary_prints_one_variation_per_line_or_json_and_writes_a_file_when_asked()
    {
        var seed = TinyTextRun.Sentences[4];
        var printed = Support.Cli.Run("vary", "--model", Model, "--text", seed, "--count", "5", "--rng", "2");
        Assert.True(printed.ExitCode == 0, printed.Stderr);
        var lines = printed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.DoesNotContain(seed, lines);

        var json = Support.Cli.Run("vary", "--model", Model, "--text", seed, "--count", "5", "--rng", "2", "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(lines, document.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!));

        using var dir = new TempDir();
        var seeds = dir.File("seeds.txt");
        File.WriteAllText(seeds, $"{TinyTextRun.Sentences[0]}\n\n{TinyTextRun.Sentences[1]}\n");
        var outFile = dir.File("out.txt");
        var written = Support.Cli.Run("vary", "--model", Model, "--seed", seeds, "--count", "3", "--out", outFile);
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Equal(6, File.ReadAllLines(outFile).Length);
        // Not overwritten without --force.
        var again = Support.Cli.Run("vary", "--model", Model, "--seed", seeds, "--out", outFile);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
        var grouped = Support.Cli.Run("vary", "--model", Model, "--seed", seeds, "--count", "2", "--json");
        using var groups = JsonDocument.Parse(grouped.Stdout);
        Assert.Equal(2, groups.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void Interpolate_sample_and_eval_work_on_a_text_model()
    {
        var path = Support.Cli.Run("interpolate", "--model", Model, "--from-text", TinyTextRun.Sentences[0], "--to-text", TinyTextRun.Sentences[7], "--steps", "4", "--json");
        Assert.True(path.ExitCode == 0, path.Stderr);
        using (var document = JsonDocument.Parse(path.Stdout))
            Assert.Equal(4, document.RootElement.GetProperty("outputs").GetArrayLength());
        var samples = Support.Cli.Run("sample", "--model", Model, "--count", "4", "--json");
        Assert.True(samples.ExitCode == 0, samples.Stderr);
        using (var document = JsonDocument.Parse(samples.Stdout))
        {
            Assert.Equal(4, document.RootElement.GetProperty("outputs").GetArrayLength());
            Assert.InRange(document.RootElement.GetProperty("copies").GetInt32(), 0, 4);
        }
        var eval = Support.Cli.Run("eval", "--model", Model, "--data", TinyTextRun.Corpus(), "--split", "validation", "--importance-samples", "5", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using (var document = JsonDocument.Parse(eval.Stdout))
        {
            var root = document.RootElement;
            Assert.True(root.GetProperty("snippets").GetInt32() > 0);
            Assert.True(root.GetProperty("perplexity").GetDouble() > 1);
            Assert.InRange(root.GetProperty("accuracy_sampled").GetDouble(), 0, 1);
        }
    }

    [Fact]
    public void Eval_variations_reports_what_users_judge_on_a_span_model()
    {
        if (!File.Exists(VaeCreative.Text.Evaluation.WordList.DefaultPath)) return; // scripts/setup.sh --text-corpus installs wamerican
        var model = TinyTextRun.SpanModelDirectory;
        var run = Support.Cli.Run("eval", "--variations", "--model", model, "--data", TinyTextRun.Corpus(), "--max-examples", "6",
            "--count", "4", "--curve", "0,1", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal(6, root.GetProperty("seeds").GetInt32());
        Assert.Equal(4, root.GetProperty("count").GetInt32());
        Assert.Equal("posterior", root.GetProperty("neighbourhood").GetString());
        foreach (var key in new[] { "reconstruction_chrf", "variation_chrf_to_seed", "variation_chrf_to_unrelated", "word_rate", "reconstruction_word_rate" })
            Assert.InRange(root.GetProperty(key).GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("distinct_per_seed").GetDouble(), 1, 4);
        Assert.True(root.GetProperty("latency_ms_p50").GetDouble() > 0);
        Assert.True(root.GetProperty("latency_ms_p90").GetDouble() >= root.GetProperty("latency_ms_p50").GetDouble());
        var curve = root.GetProperty("curve").EnumerateArray().ToList();
        Assert.Equal([0.0, 1.0], curve.Select(c => c.GetProperty("similarity").GetDouble()));
        // Similarity 1 decodes each seed's posterior mean, as the reconstruction does, though at the run's temperature.
        Assert.InRange(curve[1].GetProperty("chrf_to_seed").GetDouble(), 0, 1);
        var examples = root.GetProperty("examples").EnumerateArray().ToList();
        Assert.Equal(6, examples.Count);
        Assert.Equal(4, examples[0].GetProperty("variations").GetArrayLength());
        Assert.Contains(examples[0].GetProperty("seed").GetString(), TinyTextRun.Sentences);

        var slerp = Support.Cli.Run("eval", "--variations", "--model", model, "--data", TinyTextRun.Corpus(), "--max-examples", "3",
            "--count", "2", "--neighbourhood", "slerp", "--json");
        Assert.True(slerp.ExitCode == 0, slerp.Stderr);
        using var other = JsonDocument.Parse(slerp.Stdout);
        Assert.Equal("slerp", other.RootElement.GetProperty("neighbourhood").GetString());
    }

    [Fact]
    public void Eval_variations_refuses_bad_settings_and_modalities_without_measures()
    {
        var curve = Support.Cli.Run("eval", "--variations", "--model", Model, "--data", TinyTextRun.Corpus(), "--curve", "0,2");
        Assert.Equal(2, curve.ExitCode);
        Assert.Contains("--curve", curve.Stderr);
        var few = Support.Cli.Run("eval", "--variations", "--model", Model, "--data", TinyTextRun.Corpus(), "--max-examples", "1");
        Assert.Equal(2, few.ExitCode);
        var missing = Support.Cli.Run("eval", "--variations", "--data", "/nonexistent/lines.txt");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("'/nonexistent/lines.txt' does not exist", missing.Stderr);
        var melody = Support.Cli.Run("eval", "--variations", "--model", "melody-2bar", "--data", Path.Combine(RepoPaths.Root, "samples"));
        Assert.Equal(2, melody.ExitCode);
        Assert.Contains("no variation measures", melody.Stderr);
    }

    [Fact]
    public void Bad_text_and_material_of_the_other_modality_get_one_line_errors()
    {
        using var dir = new TempDir();
        var invalid = dir.File("bad.txt");
        File.WriteAllBytes(invalid, [(byte)'o', (byte)'k', 0xC3, 0x28, (byte)'\n']);
        var nul = dir.File("nul.txt");
        File.WriteAllText(nul, "a\0b\n"); // argv cannot carry a NUL: a file can
        var empty = dir.File("empty.txt");
        File.WriteAllText(empty, "\n  \n");
        var cases = new (string[] Args, string Expected)[]
        {
            (["vary", "--model", Model, "--text", ""], "empty"),
            (["vary", "--model", Model, "--seed", nul], "NUL"),
            (["vary", "--model", Model, "--text", new string('z', 5000)], "4,096"),
            (["vary", "--model", Model, "--seed", invalid], "UTF-8"),
            (["vary", "--model", Model, "--seed", empty], "empty.txt"),
            (["vary", "--model", Model, "--seed", RepoPaths.SeedMelody, "--out", dir.Path], "melody"),
            (["vary", "--text", "la la la", "--model", "melody-2bar", "--out", dir.Path], "MIDI"),
            (["vary", "--model", Model, "--text", "x", "--track", "1"], "--track"),
            (["vary", "--model", Model, "--seed", dir.File("missing.mid")], "file not found"),
        };
        foreach (var (args, expected) in cases)
        {
            var result = Support.Cli.Run(args);
            Assert.True(result.ExitCode is 1 or 2, $"{string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "…" : a))}: exit {result.ExitCode}\n{result.Stderr}");
            Assert.Single(result.StderrLines);
            Assert.StartsWith("error: ", result.Stderr);
            Assert.Contains(expected, result.Stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Non_english_text_is_varied_not_refused()
    {
        foreach (var text in new[] { "Ein zerfetztes Banner flattert über dem Tor.", "城门上飘着一面破旗。", "דגל קרוע", "🏰 the gate 🚩" })
        {
            var result = Support.Cli.Run("vary", "--model", Model, "--text", text, "--count", "2", "--json");
            Assert.True(result.ExitCode == 0, $"{text}: {result.Stderr}");
        }
    }
}
