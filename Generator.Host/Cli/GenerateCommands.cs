using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Serving;

namespace VaeCreative.Host.Cli;

/// <summary><c>vary</c>, <c>interpolate</c> and <c>sample</c>: melody generation from the command line.</summary>
public static class GenerateCommands
{
    /// <summary><c>vaecreative vary</c>.</summary>
    public static Command Vary(IServiceProvider services)
    {
        var seed = new Option<string>("--seed") { Description = "MIDI file whose melody is varied (longer than 2 bars: varied 2 bars at a time, up to 64 bars).", Required = true };
        var model = ModelOption();
        var count = new Option<int>("--count", "-n") { Description = "Number of variations (1–256).", DefaultValueFactory = _ => 8 };
        var similarity = new Option<double>("--similarity") { Description = "1 keeps the seed's latent code, 0 ignores it (0–1).", DefaultValueFactory = _ => new VaryOptions().Similarity };
        var temperature = TemperatureOption(new VaryOptions().Temperature);
        var rng = RngOption();
        var track = new Option<int?>("--track") { Description = "Take the melody from this track (0-based) instead of choosing automatically." };
        var output = OutOption();
        var force = ForceOption();
        var json = JsonOption();
        var precision = PrecisionOption();
        var command = new Command("vary", "Write variations of a seed melody as MIDI files.") { seed, model, count, similarity, temperature, rng, track, output, force, json, precision };
        command.SetAction(p =>
        {
            var seedPath = p.GetValue(seed)!;
            var melody = MidiMelodyReader.Read(seedPath, p.GetValue(track), MelodyGenerator.MaxSeedSteps);
            var outDir = p.GetValue(output)!;
            var stem = Path.GetFileNameWithoutExtension(seedPath);
            var n = p.GetValue(count);
            var paths = Enumerable.Range(1, Math.Max(0, n)).Select(i => Path.Combine(outDir, $"{stem}-var{i:00}.mid")).ToList();
            OutputFiles.EnsureWritable(paths, p.GetValue(force));
            var generator = services.GetRequiredService<MelodyGenerator>();
            var variations = generator.Vary(melody, new VaryOptions
            {
                Count = n,
                Similarity = p.GetValue(similarity),
                Temperature = p.GetValue(temperature),
                Rng = p.GetValue(rng),
                Precision = Precision(p.GetValue(precision)!),
            }, p.GetValue(model));
            return WriteAll(variations, paths, p.GetValue(json), "variation");
        });
        return command;
    }

    /// <summary><c>vaecreative interpolate</c>.</summary>
    public static Command Interpolate(IServiceProvider services)
    {
        var from = new Option<string>("--from") { Description = "MIDI file at the start.", Required = true };
        var to = new Option<string>("--to") { Description = "MIDI file at the end.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Melodies written, both ends included (2–1000).", DefaultValueFactory = _ => 5 };
        var model = ModelOption();
        var temperature = TemperatureOption(0);
        var rng = RngOption();
        var output = OutOption();
        var force = ForceOption();
        var json = JsonOption();
        var precision = PrecisionOption();
        var command = new Command("interpolate", "Morph one melody into another through the latent space (slerp between means).") { from, to, steps, model, temperature, rng, output, force, json, precision };
        command.SetAction(p =>
        {
            var a = MidiMelodyReader.Read(p.GetValue(from)!, maxSteps: MelodyGenerator.MaxSeedSteps);
            var b = MidiMelodyReader.Read(p.GetValue(to)!, maxSteps: MelodyGenerator.MaxSeedSteps);
            var n = p.GetValue(steps);
            var outDir = p.GetValue(output)!;
            var paths = Enumerable.Range(1, Math.Max(0, n)).Select(i => Path.Combine(outDir, $"interp{i:00}.mid")).ToList();
            OutputFiles.EnsureWritable(paths, p.GetValue(force));
            var melodies = services.GetRequiredService<MelodyGenerator>()
                .Interpolate(a, b, n, p.GetValue(temperature), p.GetValue(rng), p.GetValue(model), Precision(p.GetValue(precision)!));
            return WriteAll(melodies, paths, p.GetValue(json), "interpolation");
        });
        return command;
    }

    /// <summary><c>vaecreative sample</c>.</summary>
    public static Command Sample(IServiceProvider services)
    {
        var count = new Option<int>("--count", "-n") { Description = "Number of melodies (1–1024).", DefaultValueFactory = _ => 8 };
        var model = ModelOption();
        var temperature = TemperatureOption(0.5);
        var rng = RngOption();
        var tempo = new Option<double>("--tempo") { Description = "Tempo of the written files, quarter notes per minute.", DefaultValueFactory = _ => 120 };
        var output = OutOption();
        var force = ForceOption();
        var json = JsonOption();
        var precision = PrecisionOption();
        var command = new Command("sample", "Write new 2-bar melodies drawn from the model's prior.") { count, model, temperature, rng, tempo, output, force, json, precision };
        command.SetAction(p =>
        {
            var n = p.GetValue(count);
            var outDir = p.GetValue(output)!;
            if (!(p.GetValue(tempo) is > 0 and <= 1000)) throw new CliException("--tempo must be between 0 and 1000 quarter notes per minute.", 2);
            var paths = Enumerable.Range(1, Math.Max(0, n)).Select(i => Path.Combine(outDir, $"sample{i:00}.mid")).ToList();
            OutputFiles.EnsureWritable(paths, p.GetValue(force));
            var melodies = services.GetRequiredService<MelodyGenerator>()
                .Sample(n, p.GetValue(temperature), p.GetValue(rng), p.GetValue(tempo), p.GetValue(model), Precision(p.GetValue(precision)!));
            return WriteAll(melodies, paths, p.GetValue(json), "sample");
        });
        return command;
    }

    internal static int WriteAll(IReadOnlyList<Melody> melodies, IReadOnlyList<string> paths, bool json, string what)
    {
        for (var i = 0; i < melodies.Count; i++)
            MidiMelodyWriter.Write(melodies[i], paths[i], $"VaeCreative {what} {i + 1}");
        var full = paths.Take(melodies.Count).Select(Path.GetFullPath).ToList();
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { outputs = full }));
        }
        else
        {
            foreach (var path in full) Console.Out.WriteLine(path);
            Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture, $"wrote {full.Count} {what} file(s) to {Path.GetDirectoryName(full[0])}"));
        }
        return 0;
    }

    internal static Option<string?> ModelOption() => new("--model") { Description = "Model directory (default: the bundled melody model)." };

    internal static Option<string> PrecisionOption() =>
        new Option<string>("--precision") { Description = "Inference precision: fp32 (as trained) or bf16 (faster on CPUs with AVX-512 BF16).", DefaultValueFactory = _ => "fp32" }
            .AcceptOnlyFromAmong("fp32", "bf16");

    internal static InferencePrecision Precision(string value) => value == "bf16" ? InferencePrecision.BFloat16 : InferencePrecision.Float32;

    internal static Option<double> TemperatureOption(double fallback) => new("--temperature") { Description = "Decoding temperature: 0 is argmax, higher is wilder (0–10).", DefaultValueFactory = _ => fallback };

    internal static Option<long> RngOption() => new("--rng") { Description = "Random seed: the same seed gives the same output.", DefaultValueFactory = _ => 0 };

    internal static Option<string> OutOption() => new("--out") { Description = "Output folder (created if missing).", Required = true };

    internal static Option<bool> ForceOption() => new("--force") { Description = "Overwrite existing output files." };

    internal static Option<bool> JsonOption() => new("--json") { Description = "Print {\"outputs\":[paths…]} on stdout." };
}
