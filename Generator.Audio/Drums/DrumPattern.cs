using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Drums;

/// <summary>
/// A drum part on the sixteenth-note grid: one <see cref="DrumEncoding"/> token per step, the velocity of every hit
/// (the groove's feel: which hits are accents and which ghost notes), and the tempo and metre maps to write it back
/// with. Immutable.
/// </summary>
public sealed class DrumPattern
{
    /// <summary>Default velocity of a hit that has none (a generated hit with no seed hit to take one from).</summary>
    public const int DefaultVelocity = 90;

    /// <summary>Creates a pattern; <paramref name="velocities"/> (per step, per class, 1–127 where struck) defaults to <see cref="DefaultVelocity"/> for every hit.</summary>
    public DrumPattern(IReadOnlyList<int> tokens, TempoMap tempi, MetreMap metre, IReadOnlyList<byte[]>? velocities = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (var i = 0; i < tokens.Count; i++)
            if (tokens[i] is < 0 or >= DrumEncoding.Classes)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"token {tokens[i]} at step {i} is not a drum class set (0–{DrumEncoding.Classes - 1}).");
        if (velocities is not null && velocities.Count != tokens.Count)
            throw new ArgumentException($"{velocities.Count} velocity rows for {tokens.Count} steps.", nameof(velocities));
        Tokens = tokens.ToArray();
        Tempi = tempi;
        Metre = metre;
        Velocities = Tokens.Select((token, t) =>
        {
            var row = new byte[DrumEncoding.ClassCount];
            for (var c = 0; c < row.Length; c++)
                if (DrumEncoding.Strikes(token, c))
                    row[c] = velocities?[t][c] is > 0 and var v ? (byte)Math.Min((int)v, 127) : (byte)DefaultVelocity;
            return row;
        }).ToArray();
    }

    /// <summary>One token per step.</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>Per step, per class: the hit's velocity (0 where nothing is struck).</summary>
    public IReadOnlyList<byte[]> Velocities { get; }

    /// <summary>Number of steps.</summary>
    public int Steps => Tokens.Count;

    /// <summary>Tempo changes over the steps.</summary>
    public TempoMap Tempi { get; }

    /// <summary>Time-signature changes over the steps.</summary>
    public MetreMap Metre { get; }

    /// <summary>Number of hits.</summary>
    public int HitCount => Tokens.Sum(t => DrumEncoding.ClassesOf(t).Count());

    /// <summary>The first step of each bar.</summary>
    public IReadOnlyList<int> BarStarts() => Metre.BarStarts(Steps);

    /// <summary>
    /// Other hits in the same time: each hit takes the velocity the seed gave that class at that step, else the
    /// class's mean velocity in this pattern (so a generated groove keeps the seed's accents), else <see cref="DefaultVelocity"/>.
    /// </summary>
    public DrumPattern WithTokens(IReadOnlyList<int> tokens)
    {
        var means = Enumerable.Range(0, DrumEncoding.ClassCount).Select(c =>
        {
            var hits = Velocities.Where(v => v[c] > 0).Select(v => (int)v[c]).ToList();
            return hits.Count == 0 ? DefaultVelocity : (int)Math.Round(hits.Average());
        }).ToArray();
        var velocities = tokens.Select((token, t) =>
        {
            var row = new byte[DrumEncoding.ClassCount];
            for (var c = 0; c < row.Length; c++)
                if (DrumEncoding.Strikes(token, c))
                    row[c] = (byte)(t < Steps && Velocities[t][c] > 0 ? Velocities[t][c] : means[c]);
            return row;
        }).ToList();
        var length = tokens.Count;
        return new DrumPattern(tokens, length >= Steps ? Tempi : Tempi.Before(length), length >= Steps ? Metre : Metre.Before(length), velocities);
    }
}
