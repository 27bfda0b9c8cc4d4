using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// A MIDI file's clock on the sixteenth-note step grid that melodies and drum patterns share: ticks to steps, and the
/// file's tempo and time-signature events as maps over the steps.
/// </summary>
internal static class MidiTimeline
{
    /// <summary>Ticks to steps, rounded half away from zero; exact for any tick count a file can declare (under 2^53).</summary>
    public static long Quantise(long ticks, int ticksPerQuarter) =>
        (long)Math.Round((double)ticks * MelodyEncoding.StepsPerQuarter / ticksPerQuarter, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The tempo and metre maps of <paramref name="file"/> (events from every track: type 1 files keep them in the
    /// first, others anywhere) for a piece of <paramref name="steps"/> steps. The earliest event wins at the start (a
    /// file may declare its tempo in several tracks); later ones are changes.
    /// </summary>
    public static (TempoMap Tempi, MetreMap Metre) Maps(StandardMidiFile file, int ticksPerQuarter, int steps)
    {
        var tempi = new List<(long Time, int Order, double Qpm)>();
        var signatures = new List<(long Time, int Order, TimeSignature Signature)>();
        foreach (var track in file.Tracks)
            foreach (var e in track.Events)
            {
                if (e.Kind == StandardMidiFile.EventKind.Tempo && e.Data1 > 0) tempi.Add((e.Time, tempi.Count, 60_000_000.0 / e.Data1));
                else if (e.Kind == StandardMidiFile.EventKind.TimeSignature && e.Data1 > 0 && e.Data2 is >= 0 and < 8)
                    signatures.Add((e.Time, signatures.Count, new TimeSignature(e.Data1, 1 << e.Data2)));
            }
        var tempoMap = new TempoMap(tempi.OrderBy(x => x.Time).ThenBy(x => x.Order)
            .Select(x => new TempoChange((int)Math.Min(steps, Quantise(x.Time, ticksPerQuarter)), x.Qpm))
            .GroupBy(x => x.Step).Select(g => g.Key == 0 ? g.First() : g.Last()));
        var metre = new MetreMap(signatures.OrderBy(x => x.Time).ThenBy(x => x.Order)
            .Select(x => new MetreChange((int)Math.Min(steps, Quantise(x.Time, ticksPerQuarter)), x.Signature))
            .GroupBy(x => x.Step).Select(g => g.Key == 0 ? g.First() : g.Last()));
        return (tempoMap.Before(steps), metre.Before(steps));
    }
}
