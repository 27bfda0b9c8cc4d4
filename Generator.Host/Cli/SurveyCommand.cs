using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vaecreative survey</c>: tries to vary every file of a folder that the model's modality reads, whole, and counts
/// how many were varied, refused (and why) or failed. Works for any modality: it only uses <see cref="IModality"/>,
/// <see cref="IMaterialGenerator"/> and <see cref="MaterialException.Kind"/>.
/// </summary>
public static class SurveyCommand
{
    /// <summary>The random seed of every variation, so a survey run twice gives the same counts.</summary>
    private const long Rng = 0;

    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var data = new Option<string>("--data") { Description = "Folder to survey (searched recursively; files the model's modality does not read are ignored).", Required = true };
        var model = GenerateCommands.ModelOption();
        var count = new Option<int>("--count", "-n") { Description = $"Variations per file (1–{GenerationLimits.MaxCount}).", DefaultValueFactory = _ => 1 };
        var limit = new Option<int?>("--limit") { Description = "Survey only the first N files (in path order; default: all)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout: counts, reasons with an example file each, rows and timing." };
        var command = new Command("survey", "Vary every file of a folder whole and count how many were varied, refused (and why) or failed: how the model copes with real-world material.")
            { data, model, count, limit, json };
        command.SetAction(p =>
        {
            var folder = p.GetValue(data)!;
            if (!Directory.Exists(folder)) throw new CliException($"'{folder}': no such folder.");
            if (p.GetValue(limit) is < 1) throw new CliException("--limit must be at least 1.", 2);
            var (generator, modality) = GenerateCommands.Open(services, p.GetValue(model), null, null, "", "", InferencePrecisionNames.Float32);
            var options = new VaryOptions
            {
                Count = p.GetValue(count),
                Temperature = modality.DefaultTemperature,
                Rng = Rng,
                Precision = generator.Model.Precision,
            }.Validate();
            var files = Files(folder, modality, p.GetValue(limit));
            if (files.Count == 0)
                throw new CliException($"no files in '{folder}' that {modality.Name} models read ({string.Join(", ", modality.Formats.SelectMany(f => f.Extensions))}).");
            var tally = new SurveyTally();
            var reported = 0;
            foreach (var file in files)
            {
                Survey(generator, modality, options, folder, file, tally);
                // One line per tenth on stderr: a folder of long songs takes minutes.
                var tenth = tally.Files * 10 / files.Count;
                if (tenth > reported && tally.Files < files.Count)
                {
                    reported = tenth;
                    Terminal.Error.Line($"surveyed {tally.Files}/{files.Count} files");
                }
            }
            if (p.GetValue(json))
                Console.Out.WriteLine(tally.ToJson(generator.Model.Directory, Path.GetFullPath(folder), options.Count).ToJsonString());
            else
                Print(tally, generator.Model.Directory);
            return 0;
        });
        return command;
    }

    /// <summary>The files under <paramref name="folder"/> the modality reads, in ordinal path order, at most <paramref name="limit"/>.</summary>
    private static List<string> Files(string folder, IModality modality, int? limit)
    {
        var all = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => modality.Formats.Any(format => format.Matches(f)))
            .Order(StringComparer.Ordinal);
        return (limit is { } n ? all.Take(n) : all).ToList();
    }

    /// <summary>Reads, prepares and varies one file, and counts how it went; never throws for the file's sake.</summary>
    private static void Survey(IMaterialGenerator generator, IModality modality, VaryOptions options, string folder, string file, SurveyTally tally)
    {
        var name = Path.GetRelativePath(folder, file);
        var watch = Stopwatch.StartNew();
        try
        {
            var seeds = modality.ReadSeedFile(file, new Dictionary<string, string>()).Select(m => generator.Prepare(m, file)).ToList();
            var results = generator.VaryMany(seeds.Select(s => new MaterialVariation(s, options)).ToList());
            if (Shortfall(generator, seeds, results, options.Count, file) is { } shortfall)
            {
                tally.AddNotVaried(name, SurveyTally.Failed, shortfall.Reason, $"{file}: {shortfall.Details}", watch.Elapsed);
                return;
            }
            var largest = seeds.MaxBy(s => s.Rows)!;
            tally.AddVaried(name, seeds.Sum(s => s.Rows), largest.Extent, watch.Elapsed);
        }
        catch (MaterialException e)
        {
            var reason = e.Kind is null ? e.GetType().Name : $"{e.GetType().Name}: {e.Kind}";
            tally.AddNotVaried(name, SurveyTally.Refused, reason, e.Message, watch.Elapsed);
        }
        catch (Exception e)
        {
            // A bug shows up as a count and an example, not as the end of a survey of a thousand files.
            tally.AddNotVaried(name, SurveyTally.Failed, e.GetType().Name, e.Message.Split('\n')[0], watch.Elapsed);
        }
    }

    /// <summary>
    /// Why the outputs are not whole variations of the seeds (a short reason, to group by, and the details), or null
    /// when they are: each seed got <paramref name="count"/> outputs, and each output, read back as a seed, spans as many
    /// model rows as its seed (a melody as many bars, a text as many snippets). Reading back keeps the check modality-free.
    /// </summary>
    private static (string Reason, string Details)? Shortfall(IMaterialGenerator generator, IReadOnlyList<PreparedSeed> seeds,
        IReadOnlyList<IReadOnlyList<Material>> results, int count, string file)
    {
        if (results.Count != seeds.Count) return ("missing outputs", $"{results.Count} results for {seeds.Count} seeds");
        for (var i = 0; i < seeds.Count; i++)
        {
            if (results[i].Count != count) return ("missing outputs", $"{results[i].Count} outputs, not {count}");
            foreach (var output in results[i])
            {
                PreparedSeed back;
                // Without the output's properties: they describe the output (a melody's "bars" is its bar count), and a
                // seed property of the same name would mean something else (vary only that bar).
                var bare = output.Text is { } text ? Material.FromText(text, null, output.MediaType) : Material.FromBytes(output.MediaType, output.Data!);
                try { back = generator.Prepare(bare, file + " (output)"); }
                catch (MaterialException e) { return ("output unreadable", e.Message); }
                if (back.Rows != seeds[i].Rows) return ("output not as long as the seed", $"output {back.Extent}, seed {seeds[i].Extent}");
            }
        }
        return null;
    }

    /// <summary>The human summary on stdout: one line of counts, the reasons as a table, rows and timing.</summary>
    private static void Print(SurveyTally tally, string model)
    {
        Console.Out.WriteLine($"{tally.Summary()} (model {model})");
        if (tally.Reasons.Count > 0)
        {
            var table = new Table().AddColumns("outcome", "reason", "files", "example");
            foreach (var r in tally.Reasons)
                table.AddRow(Markup.Escape(r.Outcome), Markup.Escape(r.Name), r.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Example));
            // Lines above and below stay plain (unwrapped, for logs); only the table needs Spectre.
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }).Write(table);
        }
        if (tally.Largest is { } largest)
            Console.Out.WriteLine($"{tally.Rows} model rows in all; largest seed: {largest.File} ({largest.Extent})");
        if (tally.Slowest is { } slowest)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time: {tally.TotalSeconds:F1} s in all, {tally.TotalSeconds / tally.Files:F3} s per file on average, at most {slowest.Seconds:F3} s ({slowest.File})"));
    }
}
