using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Attributes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vaecreative attributes</c>: computes a model's attribute vectors from its training data (what <c>train</c> does at
/// its end) and measures what they do on the held-out part: the table the melody-2bar card shows (models/melody-2bar/README.md, "Steering: attribute vectors").
/// </summary>
public static class AttributesCommand
{
    /// <summary>Evaluation figures written beside <see cref="AttributeDirections.FileName"/>.</summary>
    public const string EvaluationFile = "attributes-eval.json";

    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var data = new Option<string>("--data") { Description = "The model's training data (the folder or file train read); split by train's stable hash.", Required = true };
        var model = GenerateCommands.ModelOption();
        var fraction = new Option<double>("--validation-fraction") { Description = "Held-out fraction (same hash as train).", DefaultValueFactory = _ => 0.1 };
        var examples = new Option<int>("--examples") { Description = "Training examples the vectors are computed from (1–1,000,000).", DefaultValueFactory = _ => 50_000 };
        var heldOut = new Option<int>("--held-out") { Description = "Held-out examples the table is measured on (0 skips it; up to 100,000).", DefaultValueFactory = _ => 1000 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout." };
        var method = new Option<string>("--method")
        {
            Description = "regression (default: each attribute's vector holds the others still) or quartiles (MusicVAE's: top-quarter mean code minus bottom-quarter mean code).",
            DefaultValueFactory = _ => "regression",
        };
        method.AcceptOnlyFromAmong("regression", "quartiles");
        var command = new Command("attributes",
            $"Compute a model's attribute vectors ({AttributeDirections.FileName}: note density, register, … for melodies) from its training data, and measure on held-out data how far each moves its attribute and the others ({EvaluationFile}).")
            { data, model, fraction, examples, heldOut, method, json };
        command.SetAction(p =>
        {
            if (p.GetValue(examples) is < 8 or > 1_000_000) throw new CliException("--examples must be between 8 and 1000000.", 2);
            if (p.GetValue(heldOut) is < 0 or > 100_000) throw new CliException("--held-out must be between 0 and 100000.", 2);
            var store = services.GetRequiredService<ModelStore>();
            var registry = services.GetRequiredService<ModalityRegistry>();
            var loaded = store.Get(store.Resolve(p.GetValue(model), registry.All[0].Name), InferencePrecision.Float32);
            var recipe = registry.Of(loaded).Training;
            var measures = recipe.AttributeMeasures
                ?? throw new CliException($"{loaded.Manifest.Modality} models have no attributes to steer; attribute vectors are for {string.Join(", ", registry.All.Where(m => m.Training.AttributeMeasures is not null).Select(m => m.Name))} models.");
            var folder = p.GetValue(data)!;
            var settings = loaded.Manifest.Training?["settings"]?["settings"] as JsonObject;
            TrainingCorpus corpus;
            try { corpus = recipe.Load(folder, p.GetValue(fraction), augment: false, settings, _ => { }); }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or TrainingDataException) { throw new CliException(e.Message); }
            var (train, validation) = recipe.Encode(loaded, corpus);
            var terminal = Terminal.Error;
            var directions = AttributeDirections.Compute(loaded.Engine, train, measures, p.GetValue(examples), terminal.Line,
                method: p.GetValue(method) == "quartiles" ? AttributeMethod.Quartiles : AttributeMethod.Regression);
            directions.Save(loaded.Directory);
            terminal.Line($"wrote {Path.Combine(loaded.Directory, AttributeDirections.FileName)} ({directions.Names}; from {directions.Directions[0].Examples:N0} {recipe.ExampleNoun})");
            var output = new JsonObject
            {
                ["model"] = loaded.Directory,
                ["data"] = Path.GetFullPath(folder),
                ["method"] = p.GetValue(method),
                ["attributes"] = new JsonArray(directions.Directions.Select(d => (JsonNode)new JsonObject
                {
                    ["name"] = d.Attribute.Name,
                    ["description"] = d.Attribute.Description,
                    ["mean"] = Math.Round(d.Mean, 4),
                    ["stdDev"] = Math.Round(d.StdDev, 4),
                    ["bottomQuarterMean"] = Math.Round(d.Low, 4),
                    ["topQuarterMean"] = Math.Round(d.High, 4),
                    ["vectorNorm"] = Math.Round(Math.Sqrt(d.Vector.Sum(v => (double)v * v)), 4),
                }).ToArray()),
            };
            if (p.GetValue(heldOut) > 0)
            {
                if (validation.Count == 0) throw new CliException($"no held-out {recipe.ExampleNoun} in '{folder}' to measure the vectors on (raise --validation-fraction, or pass --held-out 0).");
                var result = AttributeEvaluation.Run(loaded.Engine, validation, measures, directions, p.GetValue(heldOut));
                output["heldOut"] = result.Examples;
                output["strengths"] = new JsonArray(result.Strengths.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
                output["changeInStdDevs"] = new JsonObject(result.Attributes.Select((moved, a) => KeyValuePair.Create(moved, (JsonNode?)new JsonObject(
                    result.Attributes.Select((measured, b) => KeyValuePair.Create(measured, (JsonNode?)new JsonArray(
                        result.Changes[a].Select(c => (JsonNode)JsonValue.Create(Math.Round(c[b], 4))).ToArray())))))));
                output["table"] = result.ToMarkdown();
                AtomicFile.WriteAllText(Path.Combine(loaded.Directory, EvaluationFile), output.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
                if (!p.GetValue(json))
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Change of each attribute against the seed, in training standard deviations, over {result.Examples:N0} held-out {recipe.ExampleNoun} (posterior mean + strength × vector, greedy decoding):"));
                    Console.Out.Write(result.ToMarkdown());
                }
            }
            if (p.GetValue(json)) Console.Out.WriteLine(output.ToJsonString());
            return 0;
        });
        return command;
    }
}
