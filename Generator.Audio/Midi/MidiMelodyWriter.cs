using NAudio.Midi;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Audio.Midi;

/// <summary>Writes melodies as type-1 MIDI files: a conductor track (the tempo and time-signature maps) and one melody track.</summary>
public static class MidiMelodyWriter
{
    /// <summary>Resolution of written files.</summary>
    public const int TicksPerQuarter = 480;

    /// <summary>Velocity of written notes.</summary>
    public const int Velocity = 80;

    private const int TicksPerStep = TicksPerQuarter / MelodyEncoding.StepsPerQuarter;

    /// <summary>Writes <paramref name="melody"/> to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Write(Melody melody, string path, string trackName = "VaeCreative melody")
    {
        var bytes = ToBytes(melody, trackName);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The MIDI file bytes of <paramref name="melody"/>.</summary>
    public static byte[] ToBytes(Melody melody, string trackName = "VaeCreative melody")
    {
        var events = new MidiEventCollection(1, TicksPerQuarter);
        var end = (long)melody.Steps * TicksPerStep;

        var conductor = events.AddTrack();
        foreach (var change in melody.Tempi.Changes.Where(c => c.Step == 0 || c.Step < melody.Steps))
            conductor.Add(new TempoEvent(Math.Clamp((int)Math.Round(60_000_000.0 / change.QuarterNotesPerMinute), 1, 0xFFFFFF), (long)change.Step * TicksPerStep));
        foreach (var change in melody.Metre.Changes.Where(c => c.Step == 0 || c.Step < melody.Steps))
        {
            var ts = change.TimeSignature;
            conductor.Add(new TimeSignatureEvent((long)change.Step * TicksPerStep, ts.Numerator, (int)Math.Log2(ts.Denominator), 24, 8));
        }
        conductor.Add(new MetaEvent(MetaEventType.EndTrack, 0, end));

        var track = events.AddTrack();
        track.Add(new TextEvent(trackName, MetaEventType.SequenceTrackName, 0));
        foreach (var (start, stop, pitch) in melody.Notes())
        {
            var on = new NoteOnEvent((long)start * TicksPerStep, 1, pitch, Velocity, (stop - start) * TicksPerStep);
            track.Add(on);
            track.Add(on.OffEvent!);
        }
        track.Add(new MetaEvent(MetaEventType.EndTrack, 0, end));
        events.PrepareForExport();

        using var stream = new MemoryStream();
        MidiFile.Export(stream, events);
        return stream.ToArray();
    }
}
