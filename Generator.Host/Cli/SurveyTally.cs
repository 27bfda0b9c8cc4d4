using System.Text.Json.Nodes;

namespace VaeCreative.Host.Cli;

/// <summary>
/// What <c>vaecreative survey</c> found in a folder: files varied whole, refused or failed (grouped by reason, in
/// the order reasons first appeared), model rows and time per file.
/// </summary>
public sealed class SurveyTally
{
    /// <summary>The <see cref="SurveyReason.Outcome"/> of a seed the modality turned down.</summary>
    public const string Refused = "refused";

    /// <summary>The <see cref="SurveyReason.Outcome"/> of any other failure (a bug, or an output shorter than its seed).</summary>
    public const string Failed = "failed";

    private readonly Dictionary<(string Outcome, string Name), SurveyReason> reasons = [];
    private readonly List<SurveyReason> ordered = [];

    /// <summary>Files surveyed.</summary>
    public int Files { get; private set; }

    /// <summary>Files varied whole.</summary>
    public int Varied { get; private set; }

    /// <summary>Files the modality refused.</summary>
    public int RefusedFiles { get; private set; }

    /// <summary>Files that failed otherwise.</summary>
    public int FailedFiles { get; private set; }

    /// <summary>Reasons files were not varied, in the order they first appeared.</summary>
    public IReadOnlyList<SurveyReason> Reasons => ordered;

    /// <summary>Model rows of all varied seeds (one output each).</summary>
    public long Rows { get; private set; }

    /// <summary>The varied seed with the most rows (file relative to the folder, rows, extent in the modality's words), or null.</summary>
    public (string File, int Rows, string Extent)? Largest { get; private set; }

    /// <summary>Seconds spent on all files (reading, preparing, varying, checking).</summary>
    public double TotalSeconds { get; private set; }

    /// <summary>The slowest file and its seconds, or null before the first file.</summary>
    public (string File, double Seconds)? Slowest { get; private set; }

    /// <summary>Counts a file varied whole.</summary>
    public void AddVaried(string file, int rows, string extent, TimeSpan elapsed)
    {
        Count(file, elapsed);
        Varied++;
        Rows += rows;
        if (Largest is not { } l || rows > l.Rows) Largest = (file, rows, extent);
    }

    /// <summary>Counts a file not varied, under <paramref name="outcome"/> (<see cref="Refused"/> or <see cref="Failed"/>) and <paramref name="reason"/>.</summary>
    public void AddNotVaried(string file, string outcome, string reason, string message, TimeSpan elapsed)
    {
        Count(file, elapsed);
        if (outcome == Refused) RefusedFiles++;
        else FailedFiles++;
        if (reasons.TryGetValue((outcome, reason), out var known)) known.Count++;
        else
        {
            var added = new SurveyReason(outcome, reason, file, message);
            reasons.Add((outcome, reason), added);
            ordered.Add(added);
        }
    }

    /// <summary>One line: "934 files: 930 varied whole, 3 refused, 1 failed".</summary>
    public string Summary() =>
        $"{Files} file{(Files == 1 ? "" : "s")}: {Varied} varied whole, {RefusedFiles} refused" + (FailedFiles > 0 ? $", {FailedFiles} failed" : "");

    /// <summary>The tally as JSON, with the model and folder it was taken with.</summary>
    public JsonObject ToJson(string model, string folder, int count)
    {
        var reasonList = new JsonArray();
        foreach (var r in ordered)
            reasonList.Add(new JsonObject
            {
                ["outcome"] = r.Outcome,
                ["reason"] = r.Name,
                ["files"] = r.Count,
                ["example"] = r.Example,
                ["message"] = r.Message,
            });
        return new JsonObject
        {
            ["model"] = model,
            ["folder"] = folder,
            ["count"] = count,
            ["files"] = Files,
            ["varied"] = Varied,
            ["refused"] = RefusedFiles,
            ["failed"] = FailedFiles,
            ["reasons"] = reasonList,
            ["rows"] = Rows,
            ["largest"] = Largest is { } l ? new JsonObject { ["file"] = l.File, ["rows"] = l.Rows, ["extent"] = l.Extent } : null,
            ["seconds"] = new JsonObject
            {
                ["total"] = Math.Round(TotalSeconds, 3),
                ["mean"] = Files == 0 ? 0 : Math.Round(TotalSeconds / Files, 4),
                ["max"] = Slowest is { } s ? Math.Round(s.Seconds, 4) : 0,
                ["slowest"] = Slowest?.File,
            },
        };
    }

    private void Count(string file, TimeSpan elapsed)
    {
        Files++;
        TotalSeconds += elapsed.TotalSeconds;
        if (Slowest is not { } s || elapsed.TotalSeconds > s.Seconds) Slowest = (file, elapsed.TotalSeconds);
    }
}
