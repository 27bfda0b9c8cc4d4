using System.Globalization;
using Spectre.Console;
using VaeCreative.Core.Training;

namespace VaeCreative.Host.Cli;

/// <summary>Shows training progress: a live bar on a terminal, periodic plain lines otherwise.</summary>
public static class TrainingProgressView
{
    /// <summary>Runs <paramref name="train"/>, rendering the progress it reports.</summary>
    public static T Run<T>(Terminal terminal, long totalSteps, Func<IProgress<TrainingProgress>, T> train)
    {
        if (!terminal.Interactive)
        {
            var every = Math.Max(1, totalSteps / 50);
            return train(new Inline(p =>
            {
                if (p.Step % every == 0 || p.Step == p.TotalSteps || p.Validation is not null)
                    terminal.Line(Describe(p, withStep: true));
            }));
        }

        return terminal.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalSteps);
                return train(new Inline(p =>
                {
                    task.Value = p.Step;
                    task.Description = Markup.Escape(Describe(p, withStep: true));
                    if (p.Validation is not null) terminal.Line(Describe(p, withStep: true));
                }));
            });
    }

    private static string Describe(TrainingProgress p, bool withStep)
    {
        var s = string.Create(CultureInfo.InvariantCulture,
            $"{(withStep ? $"step {p.Step}/{p.TotalSteps} " : "")}loss {p.Loss:F2} KL {p.KlNats:F2}{Accuracy(p.Accuracy)} β {p.Beta:F3} {p.ExamplesPerSecond:F0} ex/s");
        if (p.Validation is { } v)
            s += string.Create(CultureInfo.InvariantCulture, $" | validation ELBO {v.ElboNats:F2} KL {v.KlNats:F2}{Accuracy(v.AccuracyTeacherForced)}");
        return s;
    }

    /// <summary>" acc 0.812", or nothing for a model with continuous outputs (images), which has no accuracy.</summary>
    private static string Accuracy(double? accuracy) =>
        accuracy is { } a ? string.Create(CultureInfo.InvariantCulture, $" acc {a:F3}") : "";

    private sealed class Inline(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
