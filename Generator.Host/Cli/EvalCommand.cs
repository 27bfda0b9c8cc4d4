using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative eval</c>: accuracy, ELBO and KL of a model of any modality on data its modality reads.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var data = new Option<string>("--data") { Description = "Data to evaluate on: a folder (MIDI files for melody models), a file or folder of text (text models), or what image models train on (a folder of idx files, images or sprite sheets, or a list file).", Required = true };
        var model = GenerateCommands.ModelOption();
        var split = new Option<string>("--split")
        {
            Description = "Which part: all, validation (held out by train's stable hash, or the data set's own test part where it has one, e.g. Fashion-MNIST's t10k files; 'test' is the same) or train.",
            DefaultValueFactory = _ => "all",
        };
        split.AcceptOnlyFromAmong("all", "validation", "test", "train");
        var fraction = new Option<double>("--validation-fraction") { Description = "Held-out fraction used for --split (same hash as train).", DefaultValueFactory = _ => 0.1 };
        var batch = new Option<int>("--batch") { Description = "Examples per batch.", DefaultValueFactory = _ => 256 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout." };
        var precision = GenerateCommands.PrecisionOption();
        var samples = new Option<int>("--importance-samples", "-k")
        {
            Description = $"Samples per example for the importance-weighted NLL, perplexity, mutual information and active units (0 skips them; up to {LatentEvaluationOptions.MaxImportanceSamples}).",
            DefaultValueFactory = _ => LatentEvaluationOptions.DefaultImportanceSamples,
        };
        var maxExamples = new Option<int?>("--max-examples") { Description = "Evaluate only the first N examples (default: all); with --variations, N seeds spread evenly over the data." };
        var variations = new Option<bool>("--variations")
        {
            Description = "Measure variations instead, as users judge them, on the seeds in --data (read as vary reads a seed file; a folder: each file the model reads): reconstruction similarity, variations' similarity to their own and to an unrelated seed, clean share (text: words from the dictionary or the seed), distinct outputs and latency. Modalities without such measures are refused.",
        };
        var count = new Option<int>("--count") { Description = "Variations per seed (--variations).", DefaultValueFactory = _ => GenerationLimits.DefaultCount };
        var similarity = new Option<double>("--similarity") { Description = "Similarity of the variations (--variations).", DefaultValueFactory = _ => GenerationLimits.DefaultSimilarity };
        var temperature = new Option<double?>("--temperature") { Description = "Decoding temperature of the variations (--variations; default: the modality's)." };
        var curve = new Option<string?>("--curve") { Description = "Comma-separated similarities at which variations' similarity to their seed is also measured (--variations), e.g. 0,0.25,0.5,0.75,1." };
        var rng = GenerateCommands.RngOption();
        var neighbourhood = new Option<string?>("--neighbourhood")
        {
            Description = "Where variations are drawn (--variations; default: the model's own): slerp (toward a prior draw) or posterior (noise scaled by the seed's posterior σ). For comparing the two.",
        };
        neighbourhood.AcceptOnlyFromAmong("slerp", "posterior");
        var command = new Command("eval", "Measure a model (any modality) on data it reads: reconstruction accuracy, ELBO and KL; importance-weighted NLL, perplexity, mutual information and active units.")
            { data, model, split, fraction, batch, json, precision, samples, maxExamples, variations, count, similarity, temperature, curve, rng, neighbourhood };
        command.SetAction(p =>
        {
            if (p.GetValue(variations))
                return EvaluateVariations(services, p.GetValue(data)!, p.GetValue(model), p.GetValue(precision)!, p.GetValue(maxExamples),
                    p.GetValue(count), p.GetValue(similarity), p.GetValue(temperature), p.GetValue(rng), p.GetValue(curve), p.GetValue(neighbourhood), p.GetValue(json));
            var folder = p.GetValue(data)!;
            var which = p.GetValue(split)!;
            if (p.GetValue(batch) is < 1 or > 65536) throw new CliException("--batch must be between 1 and 65536.", 2);
            var store = services.GetRequiredService<ModelStore>();
            var registry = services.GetRequiredService<ModalityRegistry>();
            // Without --model: the bundled model of the modality that reads the data file, or of the first modality for a folder.
            var implied = File.Exists(folder) ? registry.ForFile(folder) ?? registry.All[0] : registry.All[0];
            var loaded = store.Get(store.Resolve(p.GetValue(model), implied.Name), InferencePrecisionNames.Parse(p.GetValue(precision)!));
            var recipe = registry.Of(loaded).Training;
            TrainingCorpus corpus;
            // Read as the model's training run read its data (e.g. images cut into the same tiles).
            var settings = loaded.Manifest.Training?["settings"]?["settings"] as JsonObject;
            try { corpus = recipe.Load(folder, which == "all" ? 0 : p.GetValue(fraction), augment: false, settings, _ => { }); }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or TrainingDataException) { throw new CliException(e.Message); }
            var (train, validation) = recipe.Encode(loaded, corpus);
            // "all" reads with nothing held out by hash, but data with a held-out part of its own keeps it apart: join them.
            var dataset = which switch
            {
                "validation" or "test" => validation,
                "all" when validation.Count > 0 => new JoinedExamples(train, validation),
                _ => train,
            };
            if (p.GetValue(maxExamples) is { } max)
            {
                if (max < 1) throw new CliException("--max-examples must be at least 1.", 2);
                dataset = new FirstExamples(dataset, max);
            }
            if (p.GetValue(samples) is < 0 or > LatentEvaluationOptions.MaxImportanceSamples)
                throw new CliException($"--importance-samples must be between 0 and {LatentEvaluationOptions.MaxImportanceSamples}.", 2);
            if (dataset.Count == 0)
                throw new CliException($"no {recipe.ExampleNoun} to evaluate in '{folder}' (split: {which}).");
            var result = Trainer.Evaluate(loaded.Model, dataset, p.GetValue(batch), int.MaxValue, loaded.Engine.Device, sampled: true);
            var output = new JsonObject
            {
                ["model"] = loaded.Directory,
                ["data"] = Path.GetFullPath(folder),
                ["split"] = which,
                ["precision"] = p.GetValue(precision),
                [recipe.ExampleNoun] = result.Examples,
                ["elbo_nats"] = result.ElboNats,
                ["reconstruction_nats"] = result.ReconstructionNats,
                ["kl_nats"] = result.KlNats,
            };
            // Models with continuous outputs (images) have no accuracy; they have bits per dimension instead.
            if (result.AccuracyTeacherForced is { } teacherForced)
            {
                output["accuracy_teacher_forced"] = teacherForced;
                output["accuracy_sampled"] = result.AccuracySampled;
            }
            if (p.GetValue(samples) is > 0 and var k)
            {
                var terminal = Terminal.Error;
                var reported = 0;
                var progress = new Progress<int>(done =>
                {
                    // One line per tenth: long evaluations (500 samples per example) show they are moving.
                    var tenth = done * 10 / dataset.Count;
                    if (tenth > Interlocked.Exchange(ref reported, tenth)) terminal.Line($"importance-weighted evaluation: {done}/{dataset.Count} {recipe.ExampleNoun}");
                });
                var latent = LatentEvaluation.Run(loaded.Model, dataset, loaded.Engine.Device, new LatentEvaluationOptions { ImportanceSamples = k }, progress);
                output["importance_samples"] = latent.ImportanceSamples; // 1 for a model that ignores z (exact)
                output["nll_nats"] = latent.NllNats;
                // The ELBO proper (−log p(x|z) over the same samples, plus KL): a bound the NLL sits under, unlike
                // elbo_nats above, which reconstructs at z = μ as training's validation does.
                output["elbo_sampled_nats"] = latent.ElboNats;
                if (latent.Elements is { } elements)
                {
                    output["tokens"] = elements;
                    output["perplexity"] = latent.Perplexity;
                }
                if (loaded.Model.DimensionsPerExample is { } dimensions)
                {
                    output["dimensions"] = dimensions;
                    output["bits_per_dim"] = latent.NllNats / (dimensions * Math.Log(2));
                }
                output["kl_nats"] = latent.KlNats;
                output["mutual_information_nats"] = latent.MutualInformationNats;
                output["active_units"] = latent.ActiveUnits;
                output["latent_size"] = loaded.Model.LatentSize;
                if (latent.ReconstructionAccuracy is { } accuracy) output["reconstruction_token_accuracy"] = accuracy;
            }
            // The corpus's file counts (a modality may describe its files as a list: count it).
            foreach (var (key, value) in corpus.Describe())
                if (key is "files" or "skippedFiles" && value is not null)
                    output[key == "files" ? "files" : "skipped_files"] = value is JsonArray list ? list.Count : value.DeepClone();
            if (p.GetValue(json))
            {
                Console.Out.WriteLine(output.ToJsonString());
            }
            else
            {
                var accuracy = result.AccuracyTeacherForced is { } a ? FormattableString.Invariant($"accuracy {a:F4} teacher-forced, {result.AccuracySampled:F4} sampled; ") : "";
                Console.Out.WriteLine($"{result.Examples} {recipe.ExampleNoun}: {accuracy}"
                    + FormattableString.Invariant($"ELBO {result.ElboNats:F3} nats, reconstruction {result.ReconstructionNats:F3}, KL {result.KlNats:F3}"));
                if (output["nll_nats"] is not null)
                {
                    var per = output["perplexity"] is { } perplexity ? FormattableString.Invariant($", perplexity {perplexity.GetValue<double>():F3}")
                        : output["bits_per_dim"] is { } bits ? FormattableString.Invariant($", {bits.GetValue<double>():F4} bits/dim") : "";
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"NLL {output["nll_nats"]!.GetValue<double>():F3} nats ({output["importance_samples"]} samples){per}, MI {output["mutual_information_nats"]!.GetValue<double>():F3} nats, {output["active_units"]} of {loaded.Model.LatentSize} units active"));
                }
            }
            return 0;
        });
        return command;
    }

    private static int EvaluateVariations(IServiceProvider services, string data, string? modelId, string precision, int? maxSeeds,
        int count, double similarity, double? temperature, long rng, string? curveText, string? neighbourhood, bool json)
    {
        // Before the model is picked: a missing path would otherwise imply the first modality and be refused for it.
        if (!File.Exists(data) && !Directory.Exists(data)) throw new CliException($"'{data}' does not exist.");
        var store = services.GetRequiredService<ModelStore>();
        var registry = services.GetRequiredService<ModalityRegistry>();
        var implied = File.Exists(data) ? registry.ForFile(data) ?? registry.All[0] : registry.All[0];
        var loaded = store.Get(store.Resolve(modelId, implied.Name), InferencePrecisionNames.Parse(precision));
        var modality = registry.Of(loaded);
        IVariationMeasures measures;
        try
        {
            measures = modality.VariationMeasures() ?? throw new CliException($"{modality.Name} models have no variation measures; --variations is for modalities that judge outputs against their seeds (text, images).", 2);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message);
        }
        var files = File.Exists(data) ? [data]
            // In a folder, empty files hold no seeds (a split with nothing held out): passed over, not refused.
            : Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories)
                .Where(f => modality.Formats.Any(m => m.Matches(f)) && new FileInfo(f).Length > 0).Order(StringComparer.Ordinal).ToList();
        List<(Material Seed, string Name)> named;
        try
        {
            // Each seed named as vary names it: its file, and its line where a file holds several.
            named = files.SelectMany(f =>
            {
                var read = modality.ReadSeedFile(f, new Dictionary<string, string>());
                return read.Select((m, k) => (m, read.Count == 1 ? f : $"{f} line {k + 1}"));
            }).ToList();
        }
        catch (MaterialException e)
        {
            throw new CliException(e.Message);
        }
        if (maxSeeds is { } max)
        {
            if (max < 2) throw new CliException("--max-examples must be at least 2 with --variations.", 2);
            // Spread over the whole set rather than its first file.
            if (named.Count > max) named = Enumerable.Range(0, max).Select(i => named[(int)((long)i * named.Count / max)]).ToList();
        }
        var seeds = named.Select(n => n.Seed).ToList();
        if (seeds.Count < 2) throw new CliException($"--variations needs at least 2 seeds in '{data}'; found {seeds.Count}.");
        var curve = new List<double>();
        foreach (var part in (curveText ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s is < 0 or > 1)
                throw new CliException($"--curve takes similarities between 0 and 1 separated by commas; got '{part}'.", 2);
            curve.Add(s);
        }
        var options = new VariationEvaluationOptions
        {
            Variation = new VaryOptions { Count = count, Similarity = similarity, Temperature = temperature ?? modality.DefaultTemperature, Rng = rng },
            Curve = curve,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, 2);
        }
        if (neighbourhood is not null)
            loaded.Engine.Neighbourhood = neighbourhood == "slerp" ? VariationNeighbourhood.PriorSlerp : VariationNeighbourhood.PosteriorNoise;
        var terminal = Terminal.Error;
        var generator = modality.Open(loaded);
        var result = VariationEvaluation.Run(generator, seeds, measures, options, new Progress<string>(terminal.Line), names: named.Select(n => n.Name).ToList());
        var sim = measures.SimilarityName;
        var output = new JsonObject
        {
            ["model"] = loaded.Directory,
            ["data"] = Path.GetFullPath(data),
            ["precision"] = precision,
            ["seeds"] = result.Seeds,
            ["count"] = result.Count,
            ["similarity"] = options.Variation.Similarity,
            ["temperature"] = options.Variation.Temperature,
            ["neighbourhood"] = loaded.Engine.Neighbourhood == VariationNeighbourhood.PriorSlerp ? "slerp" : "posterior",
            [$"reconstruction_{sim}"] = result.Reconstruction,
            [$"variation_{sim}_to_seed"] = result.ToSeed,
            [$"variation_{sim}_to_unrelated"] = result.ToUnrelated,
            [measures.CleanName] = result.CleanRate,
            [$"reconstruction_{measures.CleanName}"] = result.ReconstructionCleanRate,
            ["distinct_per_seed"] = result.DistinctPerSeed,
            ["latency_ms_p50"] = result.LatencyMsP50,
            ["latency_ms_p90"] = result.LatencyMsP90,
            ["curve"] = new JsonArray(result.Curve.Select(c => (JsonNode)new JsonObject { ["similarity"] = c.Similarity, [$"{sim}_to_seed"] = c.ToSeed }).ToArray()),
            ["examples"] = new JsonArray(result.Examples.Select(e => (JsonNode)new JsonObject
            {
                ["seed"] = e.Seed,
                ["reconstruction"] = e.Reconstruction,
                ["variations"] = new JsonArray(e.Variations.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            }).ToArray()),
        };
        // A figure that applied to no output (NaN) is null: JSON has no NaN.
        foreach (var (name, value) in result.Figures) output[name] = double.IsNaN(value) ? null : value;
        if (json)
        {
            Console.Out.WriteLine(output.ToJsonString());
            return 0;
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Seeds} seeds, {result.Count} variations each at similarity {options.Variation.Similarity}, temperature {options.Variation.Temperature}:"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sim}: reconstruction {result.Reconstruction:F3}; variation to its seed {result.ToSeed:F3}, to an unrelated seed {result.ToUnrelated:F3}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{measures.CleanName} {result.CleanRate:P1} (reconstructions {result.ReconstructionCleanRate:P1}); distinct {result.DistinctPerSeed:F2} of {result.Count}; {result.LatencyMsP50:F1} ms per seed (p50; p90 {result.LatencyMsP90:F1})"));
        if (result.Figures.Count > 0)
            Console.Out.WriteLine(string.Join("; ", result.Figures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value:F3}"))));
        foreach (var (s, value) in result.Curve) Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  similarity {s}: {sim} to seed {value:F3}"));
        foreach (var e in result.Examples)
        {
            Console.Out.WriteLine($"seed:  {e.Seed}");
            Console.Out.WriteLine($"  recon: {e.Reconstruction}");
            foreach (var v in e.Variations) Console.Out.WriteLine($"  - {v}");
        }
        return 0;
    }
}
