using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;

namespace VaeCreative.Host.Training;

/// <summary>
/// Draws a run's metrics log as one PNG of stacked panels over the same step axis: the loss with the reconstruction
/// and −ELBO (nats per example, log scale while all are positive), the KL (nats) with β on a second axis, and the
/// teacher-forced accuracy when the model has one. Each step's figure is drawn faint and its centred moving average
/// bold over it; held-out validation points are dots. Long logs are thinned by bin averages, never cut.
/// </summary>
public static class TrainingCurves
{
    /// <summary>The file a training run writes into its model directory.</summary>
    public const string FileName = "curves.png";

    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 1200;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 900;

    /// <summary>Most points drawn per line: more than a plot this wide can show, few enough to keep the PNG small.</summary>
    private const int MaxPoints = 2000;

    // The same padding in every panel lines their data areas up, so one x position is one step in all of them
    // (the KL panel's β axis would otherwise make it narrower than the others); the wide right margin holds the
    // legends, which inside the data area would cover the curves of some run or other.
    private static readonly PixelPadding PanelPadding = new(left: 90, right: 280, bottom: 40, top: 40);

    private static readonly Color LossColor = Colors.C0;
    private static readonly Color ReconstructionColor = Colors.C1;
    private static readonly Color ElboColor = Colors.C2;
    private static readonly Color KlColor = Colors.C3;
    private static readonly Color AccuracyColor = Colors.C4;
    private static readonly Color BetaColor = Colors.Gray;

    /// <summary>
    /// Draws the curves of the model in <paramref name="modelDirectory"/> from its metrics log (see
    /// <see cref="MetricsLog.Find"/>) and writes them atomically to <paramref name="output"/> (default: the directory's
    /// <see cref="FileName"/>); returns the path written. <see cref="MetricsLogException"/> when there is no log or it
    /// has no training step; <see cref="TrainingCurvesException"/> when nothing can be drawn here.
    /// </summary>
    public static string Write(string modelDirectory, string? output = null)
    {
        var metrics = MetricsLog.Find(modelDirectory)
            ?? throw new MetricsLogException($"'{modelDirectory}' has no {TrainingRun.MetricsFile} (or {MetricsLog.CompressedFile}) to draw curves from.");
        var log = MetricsLog.Read(metrics);
        var path = output ?? Path.Combine(modelDirectory, FileName);
        var png = Render(log, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))));
        AtomicFile.WriteAllBytes(path, png);
        return path;
    }

    /// <summary>
    /// <see cref="Write"/> beside a model a training run just wrote, reporting a failure to <paramref name="log"/> as a
    /// warning only: the model is what the run is for.
    /// </summary>
    public static void TryWrite(string modelDirectory, Action<string> log)
    {
        try { Write(modelDirectory); }
        // Any failure, not only ours: SkiaSharp's natives can fail to load (DllNotFoundException,
        // TypeInitializationException) on a machine that trains fine, and the weights are already written.
        catch (Exception e) { log($"warning: could not draw {FileName}: {e.Message}"); }
    }

    /// <summary>Renders <paramref name="log"/> as PNG bytes, headed by <paramref name="title"/> (e.g. the model's name).</summary>
    public static byte[] Render(MetricsLog log, string title, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 200);
        var font = LabelFont();
        var training = log.Training;
        var half = Math.Clamp(training.Count / 200, training.Count >= 50 ? 2 : 0, 250);
        var window = 2 * half + 1;
        var first = training[0].Step;
        var last = training[^1].Step;

        var panels = new List<Plot>
        {
            LossPanel(log, window, $"{title}: loss, reconstruction and −ELBO over {last:N0} steps"),
            KlPanel(log, window),
        };
        if (training.Any(e => e.Accuracy is not null)) panels.Add(AccuracyPanel(log, window));
        var multiplot = new Multiplot(panels[0]); // the parameterless constructor would add an empty plot above ours
        foreach (var panel in panels)
        {
            panel.Font.Set(font);
            panel.Layout.Fixed(PanelPadding);
            panel.Axes.SetLimitsX(first, Math.Max(last, first + 1));
            if (panel != panels[0]) multiplot.AddPlot(panel);
        }
        panels[^1].XLabel(window > 1
            ? $"step   (faint: each step · bold: centred mean of {window} steps · dots: held-out validation)"
            : "step   (dots: held-out validation)");
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();

        using var surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new TrainingCurvesException($"cannot create a {width}×{height} drawing surface.");
        multiplot.Render(surface);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static Plot LossPanel(MetricsLog log, int window, string title)
    {
        var plot = new Plot();
        plot.Title(title);
        var loss = CurveSeries.From(log.Training, e => e.Loss);
        var reconstruction = CurveSeries.From(log.Training, e => e.ReconstructionNats);
        var elbo = CurveSeries.From(log.Training, e => e.ElboNats);
        var validationElbo = CurveSeries.From(log.Validation, e => e.ElboNats);
        var validationReconstruction = CurveSeries.From(log.Validation, e => e.ReconstructionNats);
        var scale = LogScale(plot, [loss, reconstruction, elbo, validationElbo, validationReconstruction], "nats per example");
        Raw(plot, scale(loss), LossColor);
        Smoothed(plot, scale(elbo.MovingAverage(window)), ElboColor, "−ELBO", LinePattern.Dashed);
        // Drawn under the loss and wider: with free bits or a small β the two coincide, and both stay visible.
        Smoothed(plot, scale(reconstruction.MovingAverage(window)), ReconstructionColor, "reconstruction", width: 4);
        Smoothed(plot, scale(loss.MovingAverage(window)), LossColor, "loss (minimised)", width: 1.5f);
        Validation(plot, scale(validationElbo), ElboColor, "validation −ELBO");
        Validation(plot, scale(validationReconstruction), ReconstructionColor, "validation reconstruction");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Puts the left axis of <paramref name="plot"/> on a log scale when every value of <paramref name="series"/> is
    /// positive (plotting log10 of the values under ticks labelled with the values) and returns the map to apply to
    /// each series; otherwise a linear axis and the identity. Losses and KL move by orders of magnitude in the first
    /// steps, and on a linear axis the rest of the run would be a flat line at the bottom.
    /// </summary>
    private static Func<CurveSeries, CurveSeries> LogScale(Plot plot, CurveSeries[] series, string unit)
    {
        var values = series.SelectMany(s => s.Values).ToList();
        if (values.Count == 0 || values.Any(v => v <= 0))
        {
            plot.YLabel(unit);
            return s => s;
        }
        var (low, high) = (values.Min(), values.Max());
        plot.Axes.Left.TickGenerator = LogTicks(low, high);
        var pad = Math.Max(0.02, 0.05 * Math.Log10(high / low));
        plot.Axes.SetLimitsY(Math.Log10(low) - pad, Math.Log10(high) + pad);
        plot.YLabel(unit + " (log scale)");
        return s => s.Map(Math.Log10);
    }

    private static Plot KlPanel(MetricsLog log, int window)
    {
        var plot = new Plot();
        plot.Title("KL divergence to the prior, and β");
        var kl = CurveSeries.From(log.Training, e => e.KlNats);
        var validationKl = CurveSeries.From(log.Validation, e => e.KlNats);
        var scale = LogScale(plot, [kl, validationKl], "KL (nats per example)");
        Raw(plot, scale(kl), KlColor);
        Smoothed(plot, scale(kl.MovingAverage(window)), KlColor, "KL");
        Validation(plot, scale(validationKl), KlColor, "validation KL");
        var beta = CurveSeries.From(log.Training, e => e.Beta).Downsample(MaxPoints);
        if (beta.Count > 0)
        {
            var line = plot.Add.ScatterLine(beta.Steps, beta.Values, BetaColor);
            line.LineWidth = 1.5f;
            line.LinePattern = LinePattern.Dotted;
            line.LegendText = "β (right axis)";
            line.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "β (KL weight)";
            var top = Math.Max(beta.Values.Max(), 1e-6);
            plot.Axes.SetLimitsY(0, top * 1.08, plot.Axes.Right);
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot AccuracyPanel(MetricsLog log, int window)
    {
        var plot = new Plot();
        plot.Title("Token accuracy, teacher-forced");
        var accuracy = CurveSeries.From(log.Training, e => e.Accuracy);
        Raw(plot, accuracy, AccuracyColor);
        Smoothed(plot, accuracy.MovingAverage(window), AccuracyColor, "accuracy");
        Validation(plot, CurveSeries.From(log.Validation, e => e.Accuracy), AccuracyColor, "validation accuracy");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.YLabel("fraction of tokens correct");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static void Raw(Plot plot, CurveSeries series, Color color)
    {
        series = series.Downsample(MaxPoints);
        if (series.Count == 0) return;
        var line = plot.Add.ScatterLine(series.Steps, series.Values, color.WithOpacity(0.3));
        line.LineWidth = 1;
    }

    private static void Smoothed(Plot plot, CurveSeries series, Color color, string label, LinePattern? pattern = null, float width = 2.5f)
    {
        series = series.Downsample(MaxPoints);
        if (series.Count == 0) return;
        var line = plot.Add.ScatterLine(series.Steps, series.Values, color);
        line.LineWidth = width;
        line.LegendText = label;
        if (pattern is { } p) line.LinePattern = p;
    }

    private static void Validation(Plot plot, CurveSeries series, Color color, string label)
    {
        if (series.Count == 0) return;
        var markers = plot.Add.Markers(series.Steps, series.Values, MarkerShape.FilledCircle, 8, color);
        markers.LegendText = label;
    }

    /// <summary>Ticks for log10 values, labelled in nats: 1, 2, 5 per decade, or every unit of a decade when the range is under one.</summary>
    private static NumericManual LogTicks(double low, double high)
    {
        var decades = Math.Log10(high / low);
        double[] multiples = decades > 2.5 ? [1] : decades > 1.3 ? [1, 2, 5] : [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9];
        var ticks = new NumericManual();
        for (var exponent = (int)Math.Floor(Math.Log10(low)); exponent <= (int)Math.Ceiling(Math.Log10(high)); exponent++)
            foreach (var multiple in multiples)
            {
                var value = multiple * Math.Pow(10, exponent);
                if (value >= low / 1.2 && value <= high * 1.2)
                    ticks.AddMajor(Math.Log10(value), value.ToString(value >= 0.001 ? "#,0.###" : "G3", CultureInfo.InvariantCulture));
            }
        return ticks;
    }

    /// <summary>
    /// A sans-serif family that exists here. Skia's self-contained Linux build reads fonts from the system's font
    /// folders; with none installed it would draw every label as nothing, so that is an error rather than a blank plot.
    /// </summary>
    private static string LabelFont()
    {
        if (SKFontManager.Default.FontFamilyCount == 0)
            throw new TrainingCurvesException("no fonts are installed, so the curves' labels cannot be drawn; install one (Debian: apt-get install fonts-dejavu-core).");
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" })
            if (Fonts.GetTypeface(family, false, false) is { } typeface && typeface.FamilyName == family)
                return family;
        return Fonts.Default;
    }
}
