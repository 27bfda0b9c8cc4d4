using System.Globalization;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Drums;

/// <summary>
/// A seed drum part read and checked: the steps to vary (all, or a range of bars), its model windows (whole bars, as
/// melodies' are) and, when outputs keep the arrangement, the seed file's bytes.
/// </summary>
public sealed class DrumSeed : PreparedSeed
{
    /// <summary>Wraps <paramref name="pattern"/>; <paramref name="bars"/> limits variation to those bars; <paramref name="arrangement"/> is the seed file when outputs keep it.</summary>
    public DrumSeed(DrumPattern pattern, BarRange? bars = null, byte[]? arrangement = null)
    {
        Pattern = pattern;
        Bars = bars;
        (From, To) = bars is { } b ? b.Steps(pattern.Metre, pattern.Steps, "drum part") : (0, pattern.Steps);
        Spans = MelodyWindows.Spans(pattern.Metre, pattern.Steps, From, To);
        Windows = Chunks(pattern.Tokens, Spans);
        Arrangement = arrangement;
    }

    /// <summary>The bars varied, or null for the whole part.</summary>
    public BarRange? Bars { get; }

    /// <summary>First step varied.</summary>
    public int From { get; }

    /// <summary>The step after the last one varied.</summary>
    public int To { get; }

    /// <summary>The seed file, when outputs keep its arrangement; null for a drum track alone.</summary>
    public byte[]? Arrangement { get; }

    /// <summary>The whole part with steps <see cref="From"/>–<see cref="To"/> replaced by <paramref name="varied"/> (their tokens).</summary>
    public DrumPattern Splice(IReadOnlyList<int> varied) =>
        Pattern.WithTokens(Pattern.Tokens.Take(From).Concat(varied).Concat(Pattern.Tokens.Skip(To)).ToArray());

    /// <summary>The drum part.</summary>
    public DrumPattern Pattern { get; }

    /// <summary>Where the windows lie.</summary>
    public IReadOnlyList<WindowSpan> Spans { get; }

    /// <summary>The model windows: each span's steps, then the steps that follow as context, silence at the end.</summary>
    public int[][] Windows { get; }

    /// <inheritdoc />
    public override int Rows => Windows.Length;

    /// <inheritdoc />
    /// <remarks>The whole part (every drum class on every step), its tempo and metre changes, in the seed's file when it is kept.</remarks>
    public override long MaxOutputBytes =>
        MidiBytesBound.Of(Pattern.Steps, DrumEncoding.ClassCount, Pattern.Tempi.Changes.Count + Pattern.Metre.Changes.Count, Arrangement);

    /// <inheritdoc />
    public override string Extent => string.Create(CultureInfo.InvariantCulture, $"{Pattern.BarStarts().Count(b => b >= From && b < To)} bars in {Rows} model windows");

    /// <summary>The model windows of <paramref name="tokens"/> over <paramref name="spans"/> (see <see cref="MelodyWindows.Chunks(Melody, IReadOnlyList{WindowSpan}, bool, int)"/>: the same look-ahead).</summary>
    public static int[][] Chunks(IReadOnlyList<int> tokens, IReadOnlyList<WindowSpan> spans) =>
        spans.Select(span =>
        {
            var chunk = new int[DrumEncoding.WindowSteps];
            var filled = Math.Min(DrumEncoding.WindowSteps, tokens.Count - span.Start);
            for (var t = 0; t < filled; t++) chunk[t] = tokens[span.Start + t];
            return chunk;
        }).ToArray();
}
