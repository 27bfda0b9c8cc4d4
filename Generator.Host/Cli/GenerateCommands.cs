using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vary</c>, <c>interpolate</c> and <c>sample</c> for every modality: the model (its manifest names the modality)
/// reads the seeds and makes the outputs; text outputs are printed (or written to one file), binary outputs (MIDI, …)
/// are written as files into the --out folder.
/// </summary>
public static class GenerateCommands
{
    /// <summary><c>vaecreative vary</c>.</summary>
    public static Command Vary(IServiceProvider services)
    {
        var seed = new Option<string?>("--seed") { Description = "File to vary: a MIDI file (melody models: any length, varied a window of whole bars at a time), a text file (text models; each non-empty line is varied) or an image (image models: PNG, JPEG, BMP, GIF, WebP, any size). A folder: every file under it that the model reads is varied into --out, mirroring the tree (data augmentation; never overwrites, resumes when run again)." };
        var text = new Option<string?>("--text") { Description = "Text to vary (text models)." };
        var count = new Option<int>("--count", "-n") { Description = $"Variations per seed (1–{GenerationLimits.MaxCount}).", DefaultValueFactory = _ => GenerationLimits.DefaultCount };
        var similarity = new Option<double>("--similarity") { Description = "1 keeps the seed's latent code, 0 ignores it (0–1).", DefaultValueFactory = _ => GenerationLimits.DefaultSimilarity };
        var attribute = new Option<string[]>("--attribute")
        {
            Description = $"Steer along one of the model's attribute vectors, NAME=STRENGTH (repeatable): e.g. density=+1 (busier), register=-0.5 (lower). Strength in vectors, ±{Core.Attributes.AttributeDirections.MaxStrength}; melody attributes: density, register, range, syncopation, stepwise, rests.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var o = GenerationCliOptions.Create(null);
        var command = o.AddTo(new Command("vary", "Variations of seed material: MIDI files for melody models, lines of text for text models, images for image models (plus a contact sheet, STEM-sheet.png).") { seed, text, count, similarity, attribute });
        var extra = ModalityOptions.Add(command, Registry(services), ModalityCommands.Vary);
        command.SetAction(p =>
        {
            VaryOptions Options(IMaterialGenerator generator, IModality modality) => new VaryOptions
            {
                Count = p.GetValue(count),
                Similarity = p.GetValue(similarity),
                Temperature = p.GetValue(o.Temperature) ?? modality.DefaultTemperature,
                TopP = p.GetValue(o.TopP),
                Rng = p.GetValue(o.Rng),
                Precision = generator.Model.Precision,
                Attributes = Attributes(p.GetValue(attribute) ?? []),
            }.Validate();
            var folder = p.GetValue(seed) is { } s && Directory.Exists(s) ? s : null;
            if (folder is not null)
            {
                if (p.GetValue(text) is not null) throw new CliException("give --seed or --text, not both.", 2);
                if (p.GetValue(o.Force)) throw new CliException("--force does not apply to a seed folder: it never overwrites, and a second run resumes.", 2);
                if (p.GetValue(o.Preview)) throw new CliException("--preview does not apply to a seed folder; vary one file for previews.", 2);
            }
            var model = folder is null ? p.GetValue(o.Model) : FolderVariation.ModelFor(services, p.GetValue(o.Model), folder);
            var (generator, modality) = Open(services, model, folder is null ? p.GetValue(seed) : null, p.GetValue(text), "--seed", "--text", p.GetValue(o.Precision)!);
            var properties = extra.Values(p, modality, ModelName(generator));
            if (folder is not null)
            {
                var variation = Options(generator, modality);
                generator.Model.AttributeShift(variation.Attributes);
                return FolderVariation.Run(generator, modality, model!, folder, p.GetValue(o.Out), variation, properties, p.GetValue(o.Json));
            }
            var seeds = Seeds(services, modality, p.GetValue(seed), p.GetValue(text), "--seed", "--text", properties);
            var options = Options(generator, modality);
            generator.Model.AttributeShift(options.Attributes); // an unknown name, or a model without vectors, before any work
            var prepared = seeds.Select(s => generator.Prepare(s.Material, s.Field)).ToList();
            var stem = p.GetValue(seed) is { } path ? Path.GetFileNameWithoutExtension(path) : "text";
            var plan = OutputPlan.For(modality, p.GetValue(o.Out), p.GetValue(o.Force), stem + "-var", seeds.Count * options.Count, stem + "-sheet",
                withPreviews: p.GetValue(o.Preview));
            var results = GenerationProgressView.Run(Terminal.Error, "varying", prepared.Sum(s => (long)s.Rows) * options.Count,
                progress => generator.VaryMany(prepared.Select(s => new MaterialVariation(s, options)).ToList(), progress));
            return plan.Write(seeds.Select(s => s.Material).ToList(), results, p.GetValue(o.Json), "variation");
        });
        return command;
    }

    /// <summary><c>vaecreative interpolate</c>.</summary>
    public static Command Interpolate(IServiceProvider services)
    {
        var from = new Option<string?>("--from") { Description = "File at the start (MIDI for melody models, text for text models: its first line, an image for image models)." };
        var to = new Option<string?>("--to") { Description = "File at the end." };
        var fromText = new Option<string?>("--from-text") { Description = "Text at the start (text models)." };
        var toText = new Option<string?>("--to-text") { Description = "Text at the end (text models)." };
        var steps = new Option<int>("--steps") { Description = $"Outputs, both ends included ({GenerationLimits.MinSteps}–{GenerationLimits.MaxCount}).", DefaultValueFactory = _ => GenerationLimits.DefaultSteps };
        var o = GenerationCliOptions.Create(0);
        var command = o.AddTo(new Command("interpolate", "Morph one seed into another through the latent space (slerp between posterior means; for text, Bowman's homotopy).")
            { from, to, fromText, toText, steps });
        var extra = ModalityOptions.Add(command, Registry(services), ModalityCommands.Interpolate);
        command.SetAction(p =>
        {
            var (generator, modality) = Open(services, p.GetValue(o.Model), p.GetValue(from), p.GetValue(fromText), "--from", "--from-text", p.GetValue(o.Precision)!);
            var properties = extra.Values(p, modality, ModelName(generator));
            var a = Seeds(services, modality, p.GetValue(from), p.GetValue(fromText), "--from", "--from-text", properties)[0];
            var b = Seeds(services, modality, p.GetValue(to), p.GetValue(toText), "--to", "--to-text", properties)[0];
            var options = new InterpolateOptions
            {
                Steps = p.GetValue(steps),
                Temperature = p.GetValue(o.Temperature) ?? modality.DefaultTemperature,
                TopP = p.GetValue(o.TopP),
                Rng = p.GetValue(o.Rng),
                Precision = generator.Model.Precision,
            }.Validate();
            var request = new MaterialInterpolation(generator.Prepare(a.Material, a.Field), generator.Prepare(b.Material, b.Field), options);
            var plan = OutputPlan.For(modality, p.GetValue(o.Out), p.GetValue(o.Force), "interp", options.Steps, "interp-sheet", sheetColumns: options.Steps,
                withPreviews: p.GetValue(o.Preview));
            var results = GenerationProgressView.Run(Terminal.Error, "interpolating", (long)Math.Min(request.From.Rows, request.To.Rows) * options.Steps,
                progress => generator.InterpolateMany([request], progress));
            return plan.Write([], results, p.GetValue(o.Json), "interpolation");
        });
        return command;
    }

    /// <summary><c>vaecreative sample</c>.</summary>
    public static Command Sample(IServiceProvider services)
    {
        var count = new Option<int>("--count", "-n") { Description = $"Outputs (1–{GenerationLimits.MaxCount}).", DefaultValueFactory = _ => GenerationLimits.DefaultCount };
        var o = GenerationCliOptions.Create(null);
        var command = o.AddTo(new Command("sample", "New material drawn from the model's prior (2-bar melodies, snippets of text, …).") { count });
        var extra = ModalityOptions.Add(command, Registry(services), ModalityCommands.Sample);
        command.SetAction(p =>
        {
            var (generator, modality) = Open(services, p.GetValue(o.Model), null, null, "", "", p.GetValue(o.Precision)!);
            var json = p.GetValue(o.Json);
            var options = new SampleOptions
            {
                Count = p.GetValue(count),
                Temperature = p.GetValue(o.Temperature) ?? modality.DefaultTemperature,
                TopP = p.GetValue(o.TopP),
                Rng = p.GetValue(o.Rng),
                Precision = generator.Model.Precision,
                Properties = extra.Values(p, modality, ModelName(generator)),
            }.Validate();
            var plan = OutputPlan.For(modality, p.GetValue(o.Out), p.GetValue(o.Force), "sample", options.Count, "sample-sheet", withPreviews: p.GetValue(o.Preview));
            var results = generator.SampleMany([options]);
            (int Copies, int Outputs)? copies = generator is ITrainingCopyCheck check && check.CountCopies(results[0]) is { } n ? (n, results[0].Count) : null;
            if (generator is ITrainingCopyCheck && copies is null && !json)
                Terminal.Error.Line("copies of training snippets not counted: the model's training data is not on this machine");
            var written = plan.Write([], results, json, "sample", copies);
            if (copies is { } c && !json)
                Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture, $"{c.Copies} of {c.Outputs} samples copy a training example verbatim"));
            return written;
        });
        return command;
    }

    /// <summary>
    /// The generator for the model the user named (a bundled id or a directory) or, without --model, for the default
    /// model of the modality the seed implies: the seed file's format, text for --text, else the first registered
    /// modality.
    /// </summary>
    internal static (IMaterialGenerator Generator, IModality Modality) Open(IServiceProvider services, string? model, string? seedFile, string? seedText,
        string fileOption, string textOption, string precision)
    {
        var registry = Registry(services);
        var store = services.GetRequiredService<ModelStore>();
        if (seedFile is not null && seedText is not null)
            throw new CliException($"give {fileOption} or {textOption}, not both.", 2);
        string directory;
        if (model is not null) directory = store.Resolve(model);
        else
        {
            var implied = seedFile is not null
                ? registry.ForFile(seedFile) ?? throw new CliException($"cannot tell which model reads '{seedFile}' from its extension; pass --model.", 2)
                : seedText is not null
                    ? registry.All.FirstOrDefault(m => m.Formats.Any(f => f.MediaType == MediaTypes.PlainText))
                      ?? throw new CliException("no text modality in this build.", 2)
                    : registry.All[0];
            directory = store.Resolve(null, implied.Name);
        }
        var loaded = store.Get(directory, InferencePrecisionNames.Parse(precision));
        return (registry.Generator(loaded), registry.Of(loaded));
    }

    /// <summary>The seeds of one seed option pair: a file read by the model's modality, or inline text.</summary>
    internal static IReadOnlyList<(Material Material, string Field)> Seeds(IServiceProvider services, IModality modality, string? file, string? text, string fileOption, string textOption,
        IReadOnlyDictionary<string, string> properties)
    {
        if (file is not null)
        {
            // A missing file is missing, whatever its extension says it would hold.
            if (!File.Exists(file)) throw new MaterialException($"'{file}': file not found.");
            // Several modalities may read one format (melody and drums models both read MIDI): refuse only a file the model's cannot read.
            if (!modality.Formats.Any(f => f.Matches(file)) && Registry(services).ForFile(file) is { } other)
                throw new MaterialException($"'{file}' is {other.Formats[0].MediaType} material for {other.Name} models; this is a {modality.Name} model.");
            var seeds = modality.ReadSeedFile(file, properties);
            return seeds.Count == 1 ? [(seeds[0], file)] : seeds.Select((s, i) => (s, $"{file} line {i + 1}")).ToList();
        }
        if (text is not null) return [(Material.FromText(text, properties), textOption)];
        throw new CliException($"{fileOption} FILE{(textOption.Length > 0 ? $" or {textOption} TEXT" : "")} is required.", 2);
    }

    /// <summary>The --attribute values as name → strength; a usage error for anything but NAME=NUMBER or a name given twice.</summary>
    internal static Dictionary<string, double> Attributes(IEnumerable<string> values)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var at = value.IndexOf('=');
            if (at <= 0 || !double.TryParse(value[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var strength) || !double.IsFinite(strength))
                throw new CliException($"--attribute takes NAME=STRENGTH (e.g. density=+1); got '{value}'.", 2);
            if (!result.TryAdd(value[..at].Trim(), strength)) throw new CliException($"--attribute names '{value[..at].Trim()}' twice.", 2);
        }
        return result;
    }

    private static ModalityRegistry Registry(IServiceProvider services) => services.GetRequiredService<ModalityRegistry>();

    private static string ModelName(IMaterialGenerator generator) => $"the model in '{generator.Model.Directory}'";

    internal static Option<string?> ModelOption() => new("--model") { Description = "A bundled model id (melody-2bar, text-flavour, …) or a model directory (default: the seed's modality's bundled model)." };

    internal static Option<string> PrecisionOption() =>
        new Option<string>("--precision") { Description = "Inference precision: fp32 (as trained) or bf16 (faster on CPUs with AVX-512 BF16).", DefaultValueFactory = _ => InferencePrecisionNames.Float32 }
            .AcceptOnlyFromAmong([.. InferencePrecisionNames.All]);


    internal static Option<double?> TemperatureOption(double? fallback) => new("--temperature")
    {
        Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Decoding temperature: 0 is argmax (images: each pixel's mode or mean), higher is wilder (0–{GenerationLimits.MaxTemperature}). Default: {(fallback is { } f ? f.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{GenerationLimits.DefaultTemperature} (images: 0)")}."),
        DefaultValueFactory = _ => fallback,
    };

    internal static Option<double> TopPOption() => new("--top-p") { Description = "Nucleus sampling: draw only from the most likely tokens holding this much probability (0–1; 1 is off).", DefaultValueFactory = _ => GenerationLimits.DefaultTopP };

    internal static Option<long> RngOption() => new("--rng") { Description = "Random seed: the same seed gives the same output.", DefaultValueFactory = _ => 0 };

    internal static Option<string?> OutOption() => new("--out") { Description = "Where outputs go: a folder for files (MIDI; created if missing, required), a file for text (default: print them)." };

    internal static Option<bool> ForceOption() => new("--force") { Description = "Overwrite existing output files." };

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print {\"outputs\":[…]} on stdout: file paths (and \"sheet\", the contact sheet of image outputs), or the texts." };
}
