using System.Security.Cryptography;
using System.Text.Json;

namespace VaeCreative.Tests.Support;

/// <summary>Helpers for tests that run <c>vaecreative train</c> in child processes on a tiny model.</summary>
public static class TrainingRuns
{
    /// <summary>Tiny network and batch, so one CLI run takes a few seconds.</summary>
    public static readonly string[] TinyArgs =
        ["--encoder-hidden", "16", "--decoder-hidden", "16", "--decoder-layers", "1", "--latent", "4", "--batch", "8", "--validate-every", "0", "--threads", "1"];

    /// <summary>A folder with the first <paramref name="files"/> Nottingham files (in name order).</summary>
    public static TempDir NottinghamSubset(int files)
    {
        var data = new TempDir();
        foreach (var f in Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order(StringComparer.Ordinal).Take(files))
            File.Copy(f, Path.Combine(data.Path, Path.GetFileName(f)));
        return data;
    }

    /// <summary>The training-step losses of metrics.jsonl, exactly as written (step → loss).</summary>
    public static IReadOnlyList<(long Step, double Loss)> Losses(string modelDir) =>
        File.ReadAllLines(Path.Combine(modelDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => !e.TryGetProperty("split", out _))
            .Select(e => (e.GetProperty("step").GetInt64(), e.GetProperty("loss").GetDouble()))
            .ToList();

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Lower-case hex SHA-256 of a model directory's weights.</summary>
    public static string WeightsSha256(string modelDir) => Sha256(Path.Combine(modelDir, "model.weights"));

    /// <summary>Asserts that two runs logged the same losses and wrote the same weights, bit for bit.</summary>
    public static void AssertSameRun(string expectedDir, string actualDir)
    {
        Assert.Equal(Losses(expectedDir), Losses(actualDir));
        Assert.Equal(WeightsSha256(expectedDir), WeightsSha256(actualDir));
    }
}
