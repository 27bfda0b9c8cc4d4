using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace VaeCreative.Core.Training;

/// <summary>
/// A run's metrics log read for plotting: the training steps and the validation points, in step order. Reading is
/// forgiving because the log may still be growing (a partial last line) or be hand-edited: lines that are not JSON
/// objects with a step are skipped and counted, and missing or non-finite figures become null.
/// </summary>
public sealed class MetricsLog
{
    /// <summary>The compressed form bundled models keep their long logs in.</summary>
    public const string CompressedFile = TrainingRun.MetricsFile + ".gz";

    private MetricsLog(string path, IReadOnlyList<MetricsEntry> training, IReadOnlyList<MetricsEntry> validation, int skippedLines)
    {
        Path = path;
        Training = training;
        Validation = validation;
        SkippedLines = skippedLines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Training-step lines, by step.</summary>
    public IReadOnlyList<MetricsEntry> Training { get; }

    /// <summary>Validation lines, by step.</summary>
    public IReadOnlyList<MetricsEntry> Validation { get; }

    /// <summary>Lines that could not be read (malformed, partial, or without a step).</summary>
    public int SkippedLines { get; }

    /// <summary>
    /// The metrics log of the model in <paramref name="modelDirectory"/>: <see cref="TrainingRun.MetricsFile"/>, or
    /// <see cref="CompressedFile"/> when only that is there; null when it has neither.
    /// </summary>
    public static string? Find(string modelDirectory)
    {
        foreach (var name in new[] { TrainingRun.MetricsFile, CompressedFile })
        {
            var path = System.IO.Path.Combine(modelDirectory, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>
    /// Reads <paramref name="path"/> (gzip when it ends in <c>.gz</c>), streaming, so a log of millions of lines costs
    /// only its parsed figures. Throws <see cref="MetricsLogException"/> when it is missing or has no training step.
    /// </summary>
    public static MetricsLog Read(string path)
    {
        if (!File.Exists(path)) throw new MetricsLogException($"the metrics log '{path}' does not exist.");
        var training = new List<MetricsEntry>();
        var validation = new List<MetricsEntry>();
        var skipped = 0;
        using (var reader = OpenText(path))
        {
            while (reader.ReadLine() is { } line)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                if (Parse(line) is not { } entry) skipped++;
                else (entry.IsValidation ? validation : training).Add(entry);
            }
        }
        if (training.Count == 0)
            throw new MetricsLogException(skipped == 0
                ? $"the metrics log '{path}' is empty: the run logged no training step yet."
                : $"the metrics log '{path}' has no readable training step ({skipped} unreadable line(s)).");
        // A resumed run's log is in step order already; sorting (stable) only guards against hand-joined logs.
        return new MetricsLog(path, [.. training.OrderBy(e => e.Step)], [.. validation.OrderBy(e => e.Step)], skipped);
    }

    private static StreamReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream);
    }

    private static MetricsEntry? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var e = document.RootElement;
            if (e.ValueKind != JsonValueKind.Object || Number(e, "step") is not { } step || step < 0) return null;
            var isValidation = e.TryGetProperty("split", out var split) && split.ValueKind == JsonValueKind.String;
            return new MetricsEntry(
                (long)step,
                isValidation,
                Number(e, "loss"),
                Number(e, "reconstruction_nats"),
                Number(e, "kl_nats"),
                Number(e, "elbo_nats"),
                Number(e, isValidation ? "accuracy_teacher_forced" : "accuracy"),
                Number(e, "beta"));
        }
        catch (JsonException) { return null; } // a partial last line of a log still being written, or a damaged one
    }

    /// <summary>A finite number (also one written as a string, e.g. by a writer that quotes NaN), else null.</summary>
    private static double? Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        double value;
        if (v.ValueKind == JsonValueKind.Number) value = v.GetDouble();
        else if (v.ValueKind != JsonValueKind.String || !double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return null;
        return double.IsFinite(value) ? value : null;
    }
}
