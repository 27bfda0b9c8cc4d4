using VaeCreative.Core.Attributes;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// What a musician asks of a melody — busier, higher, wider, more off-beat, smoother, sparser — measured on model
/// windows (rows of <see cref="MelodyEncoding"/> tokens), for attribute vectors.
/// </summary>
public sealed class MelodyAttributes : IAttributeMeasures
{
    /// <summary>Note onsets per 4/4 bar.</summary>
    public static LatentAttribute Density { get; } = new("density", "note onsets per bar of 4/4 (16 steps)");

    /// <summary>Mean pitch.</summary>
    public static LatentAttribute Register { get; } = new("register", "mean MIDI pitch of the notes (60 is middle C)");

    /// <summary>Highest minus lowest pitch.</summary>
    public static LatentAttribute Range { get; } = new("range", "highest minus lowest pitch, in semitones");

    /// <summary>Share of onsets off the beat.</summary>
    public static LatentAttribute Syncopation { get; } = new("syncopation", "share of onsets that fall between quarter-note beats");

    /// <summary>Share of melodic intervals that are steps.</summary>
    public static LatentAttribute Stepwise { get; } = new("stepwise", "share of intervals between successive notes of at most 2 semitones (steps, not leaps)");

    /// <summary>Share of steps in silence.</summary>
    public static LatentAttribute Rests { get; } = new("rests", "share of sixteenth steps with no note sounding");

    /// <inheritdoc />
    public IReadOnlyList<LatentAttribute> Attributes { get; } = [Density, Register, Range, Syncopation, Stepwise, Rests];

    /// <inheritdoc />
    public double[][] Measure(Tensor rows)
    {
        if (rows.dim() != 2) throw new ArgumentException($"melody rows are [rows, steps] tokens; got {rows.dim()} dimensions.", nameof(rows));
        var steps = (int)rows.shape[1];
        var tokens = rows.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
        var result = new double[rows.shape[0]][];
        for (var r = 0; r < result.Length; r++)
            result[r] = Measure(tokens.AsSpan(r * steps, steps));
        return result;
    }

    /// <summary>The attributes of one window of tokens, in <see cref="Attributes"/> order.</summary>
    public static double[] Measure(ReadOnlySpan<long> window)
    {
        var pitches = new List<int>();
        var offBeat = 0;
        var silent = 0;
        var sounding = false;
        for (var t = 0; t < window.Length; t++)
        {
            var token = (int)window[t];
            if (MelodyEncoding.IsNoteOn(token))
            {
                pitches.Add(MelodyEncoding.PitchOf(token));
                if (t % MelodyEncoding.StepsPerQuarter != 0) offBeat++;
                sounding = true;
            }
            else if (token == MelodyEncoding.NoteOff) sounding = false;
            if (!sounding) silent++;
        }
        var bars = window.Length / (double)MelodyEncoding.StepsPerBar;
        var none = pitches.Count == 0;
        var intervals = Enumerable.Range(1, Math.Max(0, pitches.Count - 1)).Select(i => Math.Abs(pitches[i] - pitches[i - 1])).ToList();
        return
        [
            pitches.Count / bars,
            none ? double.NaN : pitches.Average(),
            none ? double.NaN : pitches.Max() - pitches.Min(),
            none ? double.NaN : offBeat / (double)pitches.Count,
            intervals.Count == 0 ? double.NaN : intervals.Count(i => i <= 2) / (double)intervals.Count,
            silent / (double)window.Length,
        ];
    }
}
