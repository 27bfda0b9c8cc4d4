using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// Where things go on a piano roll: a legend on top, note names in a gutter on the left, then one row per pitch
/// (highest on top) and one column of <see cref="PianoRoll.PixelsPerStep"/> pixels per step, narrower when that
/// would pass <see cref="PianoRoll.MaxWidth"/>. All positions are whole pixels, so drawing needs no antialiasing
/// and the same melodies always give the same picture.
/// </summary>
internal sealed class PianoRollLayout
{
    /// <summary>Height of a pitch row in pixels.</summary>
    public const int RowHeight = 10;

    /// <summary>Semitones of room above the highest and below the lowest note.</summary>
    public const int PitchPadding = 2;

    /// <summary>Width of the plot in steps at least (one 4/4 bar), so an empty or very short melody still has room for the legend.</summary>
    public const int MinSteps = 16;

    /// <summary>Pitch range shown when neither melody has a note: C4 to C5.</summary>
    public const int EmptyLowPitch = 60, EmptyHighPitch = 72;

    /// <summary>The gutter for note names (three glyphs, "C-1") and the margins around the plot, in pixels.</summary>
    public const int Left = 28, Right = 8, Top = 22, Bottom = 8;

    private PianoRollLayout(int steps, int lowPitch, int highPitch, int plotWidth)
    {
        Steps = steps;
        LowPitch = lowPitch;
        HighPitch = highPitch;
        PlotWidth = plotWidth;
    }

    /// <summary>Steps across the plot: the longer melody's length, at least <see cref="MinSteps"/>.</summary>
    public int Steps { get; }

    /// <summary>Lowest pitch with a row.</summary>
    public int LowPitch { get; }

    /// <summary>Highest pitch with a row.</summary>
    public int HighPitch { get; }

    /// <summary>Width of the plot (the rows) in pixels.</summary>
    public int PlotWidth { get; }

    public int Rows => HighPitch - LowPitch + 1;

    public int PlotBottom => Top + Rows * RowHeight;

    public int Width => Left + PlotWidth + Right;

    public int Height => PlotBottom + Bottom;

    /// <summary>Lays out <paramref name="seed"/> (if any) and <paramref name="variation"/> on one picture.</summary>
    public static PianoRollLayout For(Melody? seed, Melody variation)
    {
        var steps = Math.Max(MinSteps, Math.Max(seed?.Steps ?? 0, variation.Steps));
        var pitches = (seed?.Notes() ?? []).Concat(variation.Notes()).Select(n => n.Pitch).ToList();
        var low = pitches.Count == 0 ? EmptyLowPitch : Math.Max(0, pitches.Min() - PitchPadding);
        var high = pitches.Count == 0 ? EmptyHighPitch : Math.Min(127, pitches.Max() + PitchPadding);
        var plotWidth = (int)Math.Min((long)steps * PianoRoll.PixelsPerStep, PianoRoll.MaxWidth - Left - Right);
        return new PianoRollLayout(steps, low, high, plotWidth);
    }

    /// <summary>The pixel column where <paramref name="step"/> starts (<see cref="Steps"/> gives the plot's right edge).</summary>
    public int X(int step) => Left + (int)((long)step * PlotWidth / Steps);

    /// <summary>The top pixel row of <paramref name="pitch"/>'s row.</summary>
    public int RowTop(int pitch) => Top + (HighPitch - pitch) * RowHeight;
}
