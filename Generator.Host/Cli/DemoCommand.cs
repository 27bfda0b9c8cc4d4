using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vaecreative demo</c>: for every modality with a bundled model, eight variations of its bundled seed
/// (<c>samples/seed-{modality}.{ext}</c> next to the executable), written to the demo folder.
/// </summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var output = new Option<string>("--out") { Description = "Output folder (rewritten on each run).", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var command = new Command("demo", "Vary the bundled seeds (a melody, a line of text, a sprite) with the bundled models and say where the outputs went.") { output };
        command.SetAction(p =>
        {
            var outDir = Path.GetFullPath(p.GetValue(output)!);
            var registry = services.GetRequiredService<ModalityRegistry>();
            var store = services.GetRequiredService<ModelStore>();
            var terminal = Terminal.Error;
            var shown = 0;
            foreach (var modality in registry.All)
            {
                var seedPath = Composition.DemoSeeds.Find(modality);
                var modelDir = store.DefaultDirectory(modality.Name);
                if (seedPath is null || modelDir is null || !File.Exists(Path.Combine(modelDir, ModelDirectory.ManifestFile)))
                {
                    terminal.Line($"{modality.Name}: no bundled model or seed in this build; skipped");
                    continue;
                }
                var generator = registry.Generator(store.Get(modelDir));
                var seedMaterial = Composition.DemoSeeds.Read(modality, seedPath);
                var seed = generator.Prepare(seedMaterial, seedPath);
                var options = new VaryOptions { Count = 8, Rng = 1, Temperature = modality.DefaultTemperature };
                var variations = generator.VaryMany([new MaterialVariation(seed, options)])[0];
                var folder = Path.Combine(outDir, modality.Name);
                Directory.CreateDirectory(folder);
                // The demo folder is ours: rewrite it each run.
                var extension = modality.Formats[0].Extensions[0];
                Write(seedMaterial, Path.Combine(folder, "seed" + extension));
                var paths = Enumerable.Range(1, variations.Count).Select(i => Path.Combine(folder, $"variation{i:00}{extension}")).ToList();
                for (var i = 0; i < variations.Count; i++) Write(variations[i], paths[i]);
                // A modality that shows outputs together (images: a contact sheet) writes that too.
                string? sheet = null;
                if (modality is IOutputOverview overview)
                {
                    sheet = Path.Combine(folder, "sheet" + extension);
                    Write(overview.Compose(seedMaterial, variations, null), sheet);
                }
                terminal.Line($"{modality.Name}: seed {seedPath}{Describe(seedMaterial)}");
                terminal.Line($"  model: {generator.Model.Directory}");
                terminal.Line(string.Create(CultureInfo.InvariantCulture, $"  {variations.Count} variations at similarity {options.Similarity}, temperature {options.Temperature}:"));
                for (var i = 0; i < variations.Count; i++) terminal.Line($"  {paths[i]}{Describe(variations[i])}");
                if (sheet is not null) terminal.Line($"  seed and variations together: {sheet}");
                shown++;
            }
            if (shown == 0) throw new CliException("no modality has a bundled model and seed in this build; rebuild the CLI.");
            Console.Out.WriteLine($"wrote the seeds and their variations to {outDir}");
            return 0;
        });
        return command;
    }

    private static void Write(Material material, string path)
    {
        if (material.Text is { } text) AtomicFile.WriteAllText(path, text + "\n");
        else AtomicFile.WriteAllBytes(path, material.Data!);
    }

    /// <summary>" (notes 12, bars 2)" for files, ": “text”" for text.</summary>
    private static string Describe(Material material) =>
        material.Text is { } text
            ? $": \u201c{text.ReplaceLineEndings(" / ")}\u201d"
            : material.Properties.Count == 0 ? "" : $" ({string.Join(", ", material.Properties.Select(kv => $"{kv.Key} {kv.Value}"))})";
}
