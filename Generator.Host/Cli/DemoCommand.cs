using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative demo</c>: eight variations of a bundled seed melody with the bundled model.</summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var command = new Command("demo", "Vary the bundled seed melody with the bundled model and say where the files went.") { output };
        command.SetAction(p =>
        {
            var seedPath = Path.Combine(AppContext.BaseDirectory, "samples", "seed-melody.mid");
            if (!File.Exists(seedPath)) throw new CliException($"the bundled seed melody is missing ({seedPath}); rebuild the CLI.");
            var outDir = Path.GetFullPath(p.GetValue(output)!);
            var seed = MidiMelodyReader.Read(seedPath);
            var generator = services.GetRequiredService<MelodyGenerator>();
            var model = generator.Model(null);
            var options = new VaryOptions { Count = 8, Rng = 1 };
            var variations = generator.Vary(seed, options);
            Directory.CreateDirectory(outDir);
            // The demo folder is ours: rewrite it each run.
            MidiMelodyWriter.Write(seed, Path.Combine(outDir, "seed.mid"), "VaeCreative demo seed");
            var paths = Enumerable.Range(1, variations.Count).Select(i => Path.Combine(outDir, $"variation{i:00}.mid")).ToList();
            for (var i = 0; i < variations.Count; i++)
                MidiMelodyWriter.Write(variations[i], paths[i], $"VaeCreative demo variation {i + 1}");
            var terminal = Terminal.Error;
            terminal.Line($"seed: {seedPath} ({seed.Steps / MelodyEncoding.StepsPerBar} bars, {seed.NoteCount} notes, {seed.TempoQpm:0} qpm)");
            terminal.Line($"model: {model.Directory}");
            terminal.Line($"{variations.Count} variations at similarity {options.Similarity}, temperature {options.Temperature}:");
            for (var i = 0; i < variations.Count; i++)
                terminal.Line($"  {paths[i]}  ({variations[i].NoteCount} notes, {SharedOnsets(seed, variations[i]):P0} of the seed's onsets kept)");
            Console.Out.WriteLine($"wrote the seed and {variations.Count} variations to {outDir}");
            return 0;
        });
        return command;
    }

    private static double SharedOnsets(Melody seed, Melody variation)
    {
        var a = seed.Notes().Select(n => (n.Start, n.Pitch)).ToHashSet();
        var b = variation.Notes().Select(n => (n.Start, n.Pitch)).ToHashSet();
        return a.Count == 0 ? 0 : (double)a.Count(b.Contains) / a.Count;
    }
}
