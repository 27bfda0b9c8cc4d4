namespace VaeCreative.Audio.Melodies;

/// <summary>
/// A monophonic melody on a sixteenth-note grid as <see cref="MelodyEncoding"/> tokens, with the tempo map and
/// metre map to write it back with (a song's tempo and time-signature changes). Everything sounding stops at the
/// end of <see cref="Tokens"/>.
/// </summary>
public sealed class Melody
{
    /// <summary>Creates a melody in one tempo and one metre; tokens must be valid <see cref="MelodyEncoding"/> classes.</summary>
    public Melody(IReadOnlyList<int> tokens, double tempoQpm = 120, TimeSignature? timeSignature = null)
        : this(tokens, CheckedTempo(tempoQpm), MetreMap.Constant(timeSignature ?? TimeSignature.Common))
    {
    }

    /// <summary>Creates a melody with tempo and metre changes; tokens must be valid <see cref="MelodyEncoding"/> classes.</summary>
    public Melody(IReadOnlyList<int> tokens, TempoMap tempi, MetreMap metre)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tempi);
        ArgumentNullException.ThrowIfNull(metre);
        for (var i = 0; i < tokens.Count; i++)
            if (tokens[i] < 0 || tokens[i] >= MelodyEncoding.Classes)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"token {tokens[i]} at step {i} is not a melody class (0–{MelodyEncoding.Classes - 1}).");
        Tokens = tokens.ToArray();
        Tempi = tempi;
        Metre = metre;
    }

    private static TempoMap CheckedTempo(double tempoQpm)
    {
        if (!(tempoQpm > 0) || double.IsInfinity(tempoQpm))
            throw new ArgumentOutOfRangeException(nameof(tempoQpm), tempoQpm, "tempo must be a positive number of quarter notes per minute.");
        return TempoMap.Constant(tempoQpm);
    }

    /// <summary>One token per step.</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>Number of steps.</summary>
    public int Steps => Tokens.Count;

    /// <summary>Tempo of melodies made without one (samples), quarter notes per minute.</summary>
    public const double DefaultTempoQpm = 120;

    /// <summary>Slowest tempo written into sampled melodies.</summary>
    public const double MinSampleTempoQpm = 20;

    /// <summary>Fastest tempo written into sampled melodies.</summary>
    public const double MaxSampleTempoQpm = 400;

    /// <summary>Tempo at the start, in quarter notes per minute.</summary>
    public double TempoQpm => Tempi.Initial;

    /// <summary>The metre at the start.</summary>
    public TimeSignature TimeSignature => Metre.Initial;

    /// <summary>Tempo changes over the steps.</summary>
    public TempoMap Tempi { get; }

    /// <summary>Time-signature changes over the steps; bars (and variation windows) follow it.</summary>
    public MetreMap Metre { get; }

    /// <summary>The first step of each bar.</summary>
    public IReadOnlyList<int> BarStarts() => Metre.BarStarts(Steps);

    /// <summary>Number of note-on tokens.</summary>
    public int NoteCount => Tokens.Count(MelodyEncoding.IsNoteOn);

    /// <summary>Notes as (start step, end step exclusive, pitch).</summary>
    public IReadOnlyList<(int Start, int End, int Pitch)> Notes()
    {
        var notes = new List<(int, int, int)>();
        int? start = null;
        var pitch = 0;
        for (var t = 0; t <= Tokens.Count; t++)
        {
            var token = t < Tokens.Count ? Tokens[t] : MelodyEncoding.NoteOff;
            if (token == MelodyEncoding.NoEvent) continue;
            if (start is { } s) notes.Add((s, t, pitch));
            start = null;
            if (MelodyEncoding.IsNoteOn(token))
            {
                start = t;
                pitch = MelodyEncoding.PitchOf(token);
            }
        }
        return notes;
    }

    /// <summary>A copy with other tokens and the same tempo and metre maps (cut to the new length).</summary>
    public Melody WithTokens(IReadOnlyList<int> tokens) =>
        tokens.Count >= Steps ? new(tokens, Tempi, Metre) : new(tokens, Tempi.Before(tokens.Count), Metre.Before(tokens.Count));
}
