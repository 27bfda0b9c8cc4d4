using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Training;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative eval</c>: accuracy and ELBO of a melody model on a folder of MIDI files.</summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var data = new Option<string>("--data") { Description = "Folder of MIDI files.", Required = true };
        var model = GenerateCommands.ModelOption();
        var split = new Option<string>("--split") { Description = "Which files: all, validation (held out by train's path hash) or train.", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("all", "validation", "train");
        var fraction = new Option<double>("--validation-fraction") { Description = "Held-out fraction used for --split (same hash as train).", DefaultValueFactory = _ => 0.1 };
        var batch = new Option<int>("--batch") { Description = "Windows per batch.", DefaultValueFactory = _ => 256 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout." };
        var precision = GenerateCommands.PrecisionOption();
        var command = new Command("eval", "Measure reconstruction accuracy, ELBO and KL on 2-bar windows of a folder of MIDI files.") { data, model, split, fraction, batch, json, precision };
        command.SetAction(p =>
        {
            var folder = p.GetValue(data)!;
            var which = p.GetValue(split)!;
            if (p.GetValue(batch) is < 1 or > 65536) throw new CliException("--batch must be between 1 and 65536.", 2);
            MelodyCorpus corpus;
            try { corpus = MelodyCorpus.Load(folder, which == "all" ? 0 : p.GetValue(fraction), maxTransposition: 0); }
            catch (Exception e) when (e is DirectoryNotFoundException or TrainingDataException) { throw new CliException(e.Message); }
            var dataset = which == "validation" ? corpus.Validation : corpus.Train;
            if (dataset.Count == 0)
                throw new CliException(corpus.Failures.Count > 0 && corpus.Files.Count == 0
                    ? $"no usable MIDI file in '{folder}' (first problem: {corpus.Failures[0].Message})"
                    : $"no 2-bar windows to evaluate in '{folder}' (split: {which}).");
            var loaded = services.GetRequiredService<MelodyGenerator>().Model(p.GetValue(model), GenerateCommands.Precision(p.GetValue(precision)!));
            var result = Trainer.Evaluate(loaded.Model, dataset, p.GetValue(batch), int.MaxValue, loaded.Engine.Device, sampled: true);
            var files = corpus.Files.Count(f => which == "all" || f.Validation == (which == "validation"));
            var output = new JsonObject
            {
                ["model"] = loaded.Directory,
                ["data"] = Path.GetFullPath(folder),
                ["split"] = which,
                ["precision"] = p.GetValue(precision),
                ["files"] = files,
                ["skipped_files"] = corpus.Failures.Count,
                ["windows"] = result.Examples,
                ["accuracy_teacher_forced"] = result.AccuracyTeacherForced,
                ["accuracy_sampled"] = result.AccuracySampled,
                ["elbo_nats"] = result.ElboNats,
                ["reconstruction_nats"] = result.ReconstructionNats,
                ["kl_nats"] = result.KlNats,
            };
            if (p.GetValue(json))
            {
                Console.Out.WriteLine(output.ToJsonString());
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Examples} windows from {files} files: accuracy {result.AccuracyTeacherForced:F4} teacher-forced, {result.AccuracySampled:F4} sampled; ELBO {result.ElboNats:F3} nats, reconstruction {result.ReconstructionNats:F3}, KL {result.KlNats:F3}"));
            }
            return 0;
        });
        return command;
    }
}
