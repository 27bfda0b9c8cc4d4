using System.Globalization;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// A seed melody read and checked: the steps to vary (all of it, or a range of bars), the model windows covering
/// them, and, when the output should keep the seed's arrangement, the file and the line the melody came from.
/// </summary>
public sealed class MelodySeed : PreparedSeed
{
    /// <summary>
    /// Wraps <paramref name="melody"/>; <paramref name="bars"/> limits variation to those bars (null: all);
    /// <paramref name="windowSteps"/> is the model's window (32 for 2-bar models, 256 for 16-bar ones).
    /// </summary>
    public MelodySeed(Melody melody, BarRange? bars = null, MelodyArrangement? arrangement = null, int windowSteps = MelodyEncoding.WindowSteps)
    {
        ArgumentNullException.ThrowIfNull(melody);
        Melody = melody;
        Bars = bars;
        (From, To) = bars is { } b ? b.Steps(melody) : (0, melody.Steps);
        Spans = MelodyWindows.Spans(melody, From, To, windowSteps);
        Windows = MelodyWindows.Chunks(melody, Spans, windowSteps: windowSteps);
        Arrangement = arrangement;
    }

    /// <summary>The melody.</summary>
    public Melody Melody { get; }

    /// <summary>The bars varied, or null for the whole melody.</summary>
    public BarRange? Bars { get; }

    /// <summary>First step varied.</summary>
    public int From { get; }

    /// <summary>The step after the last one varied.</summary>
    public int To { get; }

    /// <summary>Where the windows lie.</summary>
    public IReadOnlyList<WindowSpan> Spans { get; }

    /// <summary>The model windows (see <see cref="MelodyWindows.Chunks(Melody, IReadOnlyList{WindowSpan}, bool, int)"/>).</summary>
    public int[][] Windows { get; }

    /// <summary>The seed's file and melody line, when outputs keep the arrangement; null for bare melodies.</summary>
    public MelodyArrangement? Arrangement { get; }

    /// <inheritdoc />
    public override int Rows => Windows.Length;

    /// <inheritdoc />
    /// <remarks>The whole melody (a note at most per step), its tempo and metre changes, in the seed's file when it is kept.</remarks>
    public override long MaxOutputBytes =>
        MidiBytesBound.Of(Melody.Steps, 1, Melody.Tempi.Changes.Count + Melody.Metre.Changes.Count, Arrangement?.File);

    /// <inheritdoc />
    public override string Extent => string.Create(CultureInfo.InvariantCulture,
        $"{Melody.BarStarts().Count(b => b >= From && b < To)} bars in {Rows} model windows");

    /// <summary>The whole melody with steps <see cref="From"/>–<see cref="To"/> replaced by <paramref name="varied"/> (their tokens).</summary>
    public Melody Splice(IReadOnlyList<int> varied) =>
        Melody.WithTokens(MelodyWindows.Splice(Melody.Tokens, From, To, varied));
}
