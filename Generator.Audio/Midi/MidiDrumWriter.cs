using NAudio.Midi;
using VaeCreative.Audio.Drums;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Audio.Midi;

/// <summary>Writes drum patterns as type-1 MIDI files: a conductor track (tempo and metre maps) and a drum track on channel 10.</summary>
public static class MidiDrumWriter
{
    /// <summary>Resolution of written files.</summary>
    public const int TicksPerQuarter = MidiMelodyWriter.TicksPerQuarter;

    /// <summary>Length of a written hit: a thirty-second note (drum sounds ring on their own; the note-off only ends the event).</summary>
    public const int HitTicks = TicksPerQuarter / 8;

    private const int TicksPerStep = TicksPerQuarter / DrumEncoding.StepsPerQuarter;

    /// <summary>Writes <paramref name="pattern"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(DrumPattern pattern, string path) => AtomicFile.WriteAllBytes(path, ToBytes(pattern));

    /// <summary>The MIDI file bytes of <paramref name="pattern"/>.</summary>
    public static byte[] ToBytes(DrumPattern pattern, string trackName = "VaeCreative drums")
    {
        var events = new MidiEventCollection(1, TicksPerQuarter);
        var end = (long)pattern.Steps * TicksPerStep;
        var conductor = events.AddTrack();
        foreach (var change in pattern.Tempi.Changes.Where(c => c.Step == 0 || c.Step < pattern.Steps))
            conductor.Add(new TempoEvent(Math.Clamp((int)Math.Round(60_000_000.0 / change.QuarterNotesPerMinute), 1, 0xFFFFFF), (long)change.Step * TicksPerStep));
        foreach (var change in pattern.Metre.Changes.Where(c => c.Step == 0 || c.Step < pattern.Steps))
            conductor.Add(new TimeSignatureEvent((long)change.Step * TicksPerStep, change.TimeSignature.Numerator, (int)Math.Log2(change.TimeSignature.Denominator), 24, 8));
        conductor.Add(new MetaEvent(MetaEventType.EndTrack, 0, end));

        var track = events.AddTrack();
        track.Add(new TextEvent(trackName, MetaEventType.SequenceTrackName, 0));
        for (var t = 0; t < pattern.Steps; t++)
            foreach (var c in DrumEncoding.ClassesOf(pattern.Tokens[t]))
            {
                var on = new NoteOnEvent((long)t * TicksPerStep, MidiMelodyReader.DrumChannel, DrumEncoding.PitchOf(c), pattern.Velocities[t][c], HitTicks);
                track.Add(on);
                track.Add(on.OffEvent!);
            }
        track.Add(new MetaEvent(MetaEventType.EndTrack, 0, Math.Max(end, (long)pattern.Steps * TicksPerStep)));
        events.PrepareForExport();
        using var stream = new MemoryStream();
        MidiFile.Export(stream, events);
        return stream.ToArray();
    }
}
