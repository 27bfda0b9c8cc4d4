namespace VaeCreative.Audio.Melodies;

/// <summary>
/// The time signatures of a melody over its steps, as a song's time-signature events give them: bars follow the
/// metre in force, and a change starts a new bar (also in the middle of one, as a sequencer would). Immutable.
/// </summary>
public sealed class MetreMap
{
    /// <summary>Creates the map; changes are sorted by step, a later change at the same step wins, and a map without a change at step 0 starts in 4/4.</summary>
    public MetreMap(IEnumerable<MetreChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var byStep = new SortedDictionary<int, TimeSignature>();
        foreach (var c in changes)
        {
            if (c.Step < 0) throw new ArgumentOutOfRangeException(nameof(changes), c.Step, "a time signature cannot start before step 0.");
            if (c.TimeSignature.Numerator < 1 || c.TimeSignature.Denominator < 1)
                throw new ArgumentOutOfRangeException(nameof(changes), c.TimeSignature, "a time signature needs a positive numerator and denominator.");
            byStep[c.Step] = c.TimeSignature;
        }
        if (!byStep.ContainsKey(0)) byStep[0] = TimeSignature.Common;
        // A change to the metre already in force is no change.
        var list = new List<MetreChange>();
        foreach (var (step, signature) in byStep)
            if (list.Count == 0 || list[^1].TimeSignature != signature) list.Add(new MetreChange(step, signature));
        Changes = list;
    }

    /// <summary>One metre throughout.</summary>
    public static MetreMap Constant(TimeSignature signature) => new([new MetreChange(0, signature)]);

    /// <summary>4/4 throughout.</summary>
    public static MetreMap Common { get; } = Constant(TimeSignature.Common);

    /// <summary>The changes, sorted; the first is at step 0.</summary>
    public IReadOnlyList<MetreChange> Changes { get; }

    /// <summary>The metre at step 0.</summary>
    public TimeSignature Initial => Changes[0].TimeSignature;

    /// <summary>The metre in force at <paramref name="step"/>.</summary>
    public TimeSignature At(int step)
    {
        var current = Changes[0].TimeSignature;
        foreach (var c in Changes)
        {
            if (c.Step > step) break;
            current = c.TimeSignature;
        }
        return current;
    }

    /// <summary>The first step of every bar that starts before <paramref name="steps"/>, in order (always at least step 0).</summary>
    public IReadOnlyList<int> BarStarts(int steps)
    {
        var starts = new List<int>();
        for (var i = 0; i < Changes.Count; i++)
        {
            var end = Math.Min(steps, i + 1 < Changes.Count ? Changes[i + 1].Step : steps);
            var length = Changes[i].TimeSignature.StepsPerBar;
            for (var s = Changes[i].Step; s < end; s += length) starts.Add(s);
        }
        if (starts.Count == 0) starts.Add(0);
        return starts;
    }

    /// <summary>This map without the changes at or after <paramref name="steps"/> (a melody cut short).</summary>
    public MetreMap Before(int steps) => new(Changes.Where(c => c.Step == 0 || c.Step < steps));

    /// <summary>Text such as <c>4/4, 3/4 from step 96</c>.</summary>
    public override string ToString() => string.Join(", ", Changes.Select(c => c.Step == 0 ? c.TimeSignature.ToString() : $"{c.TimeSignature} from step {c.Step}"));
}
