using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Host.Training;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative curves</c>: (re)draws a model directory's training curves from its metrics log, also while it trains.</summary>
public static class CurvesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IServiceProvider services)
    {
        var model = new Option<string>("--model")
        {
            Description = $"A model directory with the {TrainingRun.MetricsFile} its training wrote (or {MetricsLog.CompressedFile}), or a bundled model id.",
            Required = true,
        };
        var output = new Option<string?>("--out") { Description = $"The PNG to write (default: the model's own {TrainingCurves.FileName}, which is always redrawn)." };
        var force = new Option<bool>("--force") { Description = "Overwrite --out when it exists." };
        var command = new Command("curves", $"Draw a model's training curves (loss, KL, accuracy over steps) into a PNG; train writes {TrainingCurves.FileName} itself.")
            { model, output, force };
        command.SetAction(p =>
        {
            var directory = services.GetRequiredService<ModelStore>().Resolve(p.GetValue(model));
            var target = p.GetValue(output) is { } given ? Path.GetFullPath(given) : Path.Combine(directory, TrainingCurves.FileName);
            if (!target.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new CliException($"--out must name a .png file, not '{target}'.", 2);
            // The model's own curves.png is derived from its log, so redrawing it loses nothing; any other file may be the user's.
            if (target != Path.Combine(directory, TrainingCurves.FileName)) OutputFiles.EnsureWritable([target], p.GetValue(force));
            if (MetricsLog.Find(directory) is null)
                throw new CliException($"'{directory}' has no {TrainingRun.MetricsFile} (or {MetricsLog.CompressedFile}) to draw curves from"
                    + (File.Exists(Path.Combine(directory, ModelDirectory.ManifestFile)) ? "; installed bundled models leave their training log behind, pass the model's folder in the source tree." : "."));
            try { TrainingCurves.Write(directory, target); }
            catch (Exception e) when (e is TrainingCurvesException or MetricsLogException) { throw new CliException(e.Message); }
            Console.Out.WriteLine(target);
            return 0;
        });
        return command;
    }
}
