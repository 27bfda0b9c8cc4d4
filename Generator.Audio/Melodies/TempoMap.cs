namespace VaeCreative.Audio.Melodies;

/// <summary>The tempi of a melody over its steps (a song's tempo events on the sixteenth grid). Immutable.</summary>
public sealed class TempoMap
{
    /// <summary>Creates the map; changes are sorted by step, a later change at the same step wins, and a map without a change at step 0 starts at 120 qpm.</summary>
    public TempoMap(IEnumerable<TempoChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var byStep = new SortedDictionary<int, double>();
        foreach (var c in changes)
        {
            if (c.Step < 0) throw new ArgumentOutOfRangeException(nameof(changes), c.Step, "a tempo cannot start before step 0.");
            if (!(c.QuarterNotesPerMinute > 0) || double.IsInfinity(c.QuarterNotesPerMinute))
                throw new ArgumentOutOfRangeException(nameof(changes), c.QuarterNotesPerMinute, "tempo must be a positive number of quarter notes per minute.");
            byStep[c.Step] = c.QuarterNotesPerMinute;
        }
        if (!byStep.ContainsKey(0)) byStep[0] = Melody.DefaultTempoQpm;
        var list = new List<TempoChange>();
        foreach (var (step, qpm) in byStep)
            if (list.Count == 0 || list[^1].QuarterNotesPerMinute != qpm) list.Add(new TempoChange(step, qpm));
        Changes = list;
    }

    /// <summary>One tempo throughout.</summary>
    public static TempoMap Constant(double quarterNotesPerMinute) => new([new TempoChange(0, quarterNotesPerMinute)]);

    /// <summary>The changes, sorted; the first is at step 0.</summary>
    public IReadOnlyList<TempoChange> Changes { get; }

    /// <summary>The tempo at step 0.</summary>
    public double Initial => Changes[0].QuarterNotesPerMinute;

    /// <summary>This map without the changes at or after <paramref name="steps"/>.</summary>
    public TempoMap Before(int steps) => new(Changes.Where(c => c.Step == 0 || c.Step < steps));
}
