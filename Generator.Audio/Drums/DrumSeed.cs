using System.Globalization;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Drums;

/// <summary>A seed drum part read and checked, with its model windows (whole bars, as melodies' are).</summary>
public sealed class DrumSeed : PreparedSeed
{
    /// <summary>Wraps <paramref name="pattern"/>.</summary>
    public DrumSeed(DrumPattern pattern)
    {
        Pattern = pattern;
        Spans = MelodyWindows.Spans(pattern.Metre, pattern.Steps);
        Windows = Chunks(pattern.Tokens, Spans);
    }

    /// <summary>The drum part.</summary>
    public DrumPattern Pattern { get; }

    /// <summary>Where the windows lie.</summary>
    public IReadOnlyList<WindowSpan> Spans { get; }

    /// <summary>The model windows: each span's steps, then the steps that follow as context, silence at the end.</summary>
    public int[][] Windows { get; }

    /// <inheritdoc />
    public override int Rows => Windows.Length;

    /// <inheritdoc />
    public override string Extent => string.Create(CultureInfo.InvariantCulture, $"{Pattern.BarStarts().Count} bars in {Rows} model windows");

    /// <summary>The model windows of <paramref name="tokens"/> over <paramref name="spans"/> (see <see cref="MelodyWindows.Chunks(Melody, IReadOnlyList{WindowSpan}, bool)"/>: the same look-ahead).</summary>
    public static int[][] Chunks(IReadOnlyList<int> tokens, IReadOnlyList<WindowSpan> spans) =>
        spans.Select(span =>
        {
            var chunk = new int[DrumEncoding.WindowSteps];
            var filled = Math.Min(DrumEncoding.WindowSteps, tokens.Count - span.Start);
            for (var t = 0; t < filled; t++) chunk[t] = tokens[span.Start + t];
            return chunk;
        }).ToArray();
}
