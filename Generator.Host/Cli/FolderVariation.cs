using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using VaeCreative.Core.Augmentation;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Variation;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vary --seed FOLDER</c>: variations of every file under the folder, mirrored under --out (data augmentation; see
/// <see cref="FolderAugmentation"/>), with one progress bar and an ETA, a list of what was skipped and why, and a
/// resume when run again.
/// </summary>
internal static class FolderVariation
{
    /// <summary>The model for a folder: --model, or the default model of the one modality whose files it holds.</summary>
    public static string ModelFor(IServiceProvider services, string? model, string folder)
    {
        if (model is not null) return model;
        var registry = services.GetRequiredService<ModalityRegistry>();
        var found = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Take(100_000).Select(registry.ForFile).OfType<IModality>().Select(m => m.Name).Distinct().ToList();
        return found.Count switch
        {
            1 => registry.Get(found[0]).DefaultModelId,
            0 => throw new CliException($"'{folder}' holds no file any model reads ({string.Join(", ", registry.All.SelectMany(m => m.Formats).SelectMany(f => f.Extensions).Distinct())}).", 1),
            _ => throw new CliException($"'{folder}' holds files of several modalities ({string.Join(", ", found)}); pass --model to pick one.", 2),
        };
    }

    /// <summary>Runs the augmentation; returns the exit code (0, also when files were skipped: they are listed).</summary>
    public static int Run(IMaterialGenerator generator, IModality modality, string model, string folder, string? output, VaryOptions options,
        IReadOnlyDictionary<string, string> properties, bool json)
    {
        if (output is null) throw new CliException("--out FOLDER is required with a seed folder: the variations mirror its tree there.", 2);
        // Recorded as an id, or as the full path of a folder: the same model named two ways must resume.
        if (Directory.Exists(model)) model = Path.GetFullPath(model);
        FolderAugmentation plan;
        try { plan = FolderAugmentation.Plan(modality, folder, output, new AugmentationSettings(modality.Name, model, options, properties)); }
        catch (AugmentationException e) { throw new CliException(e.Message, 1); }
        if (plan.AlreadyDone > 0 && !json)
            Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture, $"resuming: {plan.AlreadyDone} file(s) already varied in {plan.Output}"));
        var result = Show(plan.Pending.Count, progress => plan.Run(generator, requests => generator.VaryMany(requests), progress));
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                output = plan.Output,
                filesVaried = result.FilesVaried,
                outputsWritten = result.OutputsWritten,
                alreadyDone = result.AlreadyDone,
                skipped = result.Skipped.Select(s => new { path = s.Path, reason = s.Reason }),
                ignored = result.Ignored,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 2),
            }));
            return 0;
        }
        var rate = result.Elapsed.TotalSeconds > 0 ? result.FilesVaried / result.Elapsed.TotalSeconds : 0;
        Terminal.Error.Line(string.Create(CultureInfo.InvariantCulture,
            $"varied {result.FilesVaried} file(s) into {result.OutputsWritten} output(s) in {result.Elapsed.TotalSeconds:0.0} s ({rate:0.0} files/s) under {plan.Output}")
            + (result.AlreadyDone > 0 ? $"; {result.AlreadyDone} already done" : ""));
        if (result.Skipped.Count > 0)
        {
            Terminal.Error.Line($"skipped {result.Skipped.Count} file(s) that could not be read:");
            foreach (var s in result.Skipped) Terminal.Error.Line($"  {s.Path}: {s.Reason}");
        }
        if (result.Ignored.Count > 0)
            Terminal.Error.Line($"ignored {result.Ignored.Values.Sum()} file(s) of other types ({string.Join(", ", result.Ignored.Select(i => $"{(i.Key.Length == 0 ? "no extension" : i.Key)} ×{i.Value}"))})");
        return 0;
    }

    /// <summary>One bar over the files with an ETA on a terminal; a line at every tenth otherwise.</summary>
    private static AugmentationResult Show(int files, Func<IProgress<AugmentationProgress>?, AugmentationResult> run)
    {
        var terminal = Terminal.Error;
        if (files == 0) return run(null);
        if (!terminal.Interactive)
        {
            var started = DateTime.UtcNow;
            var tenth = 0;
            return run(new Inline(p =>
            {
                var reached = p.FilesDone * 10 / Math.Max(1, p.FilesTotal);
                if (reached <= tenth) return;
                tenth = reached;
                var elapsed = (DateTime.UtcNow - started).TotalSeconds;
                var eta = p.FilesDone == 0 ? 0 : elapsed / p.FilesDone * (p.FilesTotal - p.FilesDone);
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"varying: {p.FilesDone}/{p.FilesTotal} files, {p.OutputsWritten} outputs, {p.Skipped} skipped; ETA {TimeSpan.FromSeconds(Math.Round(eta)):g}"));
            }));
        }
        return terminal.Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape($"varying {files:N0} files"), maxValue: files);
                var result = run(new Inline(p =>
                {
                    task.Value = p.FilesDone;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"varying {p.FilesDone:N0}/{files:N0} files ({p.Skipped} skipped)"));
                }));
                task.Value = files;
                return result;
            });
    }

    private sealed class Inline(Action<AugmentationProgress> report) : IProgress<AugmentationProgress>
    {
        public void Report(AugmentationProgress value) => report(value);
    }
}
