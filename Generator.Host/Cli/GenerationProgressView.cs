using System.Globalization;
using Spectre.Console;

namespace VaeCreative.Host.Cli;

/// <summary>
/// Shows how far a long generation has got (a whole song goes through the model in passes): a live bar on a terminal,
/// a line at every quarter otherwise. Short work (under <see cref="MinRows"/> model rows) shows nothing.
/// </summary>
public static class GenerationProgressView
{
    /// <summary>Model rows (outputs × windows) from which progress is shown: about a second of work on two cores.</summary>
    public const int MinRows = 256;

    /// <summary>Runs <paramref name="generate"/> (<paramref name="rows"/> model rows of work), rendering the progress it reports.</summary>
    public static T Run<T>(Terminal terminal, string what, long rows, Func<IProgress<double>?, T> generate)
    {
        if (rows < MinRows) return generate(null);
        if (!terminal.Interactive)
        {
            var quarter = 0;
            return generate(new Inline(p =>
            {
                var reached = (int)Math.Floor(p * 4);
                if (reached <= quarter) return;
                quarter = reached;
                terminal.Line(string.Create(CultureInfo.InvariantCulture, $"{what}: {reached * 25}% of {rows:N0} model rows"));
            }));
        }
        return terminal.Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{what} ({rows:N0} model rows)")), maxValue: 1);
                var result = generate(new Inline(p => task.Value = p));
                task.Value = 1;
                return result;
            });
    }

    private sealed class Inline(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
