using VaeCreative.Audio.Drums;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// Reads the drum part of any standard MIDI file: every note-on on General MIDI's percussion channel (10), in any
/// track, whose pitch is in <see cref="DrumEncoding"/>'s table, quantised to sixteenths; a class struck twice in a
/// step keeps its loudest hit. Time and memory are bounded by the file's size, as for melodies.
/// </summary>
public static class MidiDrumReader
{
    /// <summary>Longest part read, in steps (as <see cref="MidiMelodyReader.MaxSteps"/>).</summary>
    public const int MaxSteps = MidiMelodyReader.MaxSteps;

    /// <summary>Reads the drum part of the file at <paramref name="path"/>.</summary>
    public static DrumPattern Read(string path) => Read(MidiMelodyReader.ReadFileBytes(path), path);

    /// <summary>Reads the drum part of a MIDI file held in memory; <paramref name="name"/> is used in messages.</summary>
    public static DrumPattern Read(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MidiMelodyReader.MaxFileBytes)
            throw new MidiReadException(name, MidiReadFailure.TooLarge, $"file is {bytes.Length / 1024 / 1024} MB; MIDI files over {MidiMelodyReader.MaxFileBytes / 1024 / 1024} MB are not read");
        var file = StandardMidiFile.Parse(bytes, name);
        var tpq = file.Division;
        if ((tpq & 0x8000) != 0) throw new MidiReadException(name, MidiReadFailure.Unsupported, "uses SMPTE time division, which has no beat grid to quantise to");
        if (tpq == 0) throw new MidiReadException(name, MidiReadFailure.Damaged, "damaged MIDI file (the header declares 0 ticks per quarter note)");

        var hits = new List<(long Step, int Class, int Velocity)>();
        var otherPercussion = 0;
        long end = 0;
        foreach (var track in file.Tracks)
        {
            end = Math.Max(end, MidiTimeline.Quantise(track.End, tpq));
            foreach (var e in track.Events)
            {
                if (e.Kind != StandardMidiFile.EventKind.NoteOn || e.Channel != MidiMelodyReader.DrumChannel) continue;
                if (DrumEncoding.ClassOf(e.Data1) is { } c) hits.Add((MidiTimeline.Quantise(e.Time, tpq), c, e.Data2));
                else otherPercussion++;
            }
        }
        if (hits.Count == 0)
            throw new MidiReadException(name, MidiReadFailure.NoDrums, otherPercussion > 0
                ? $"has no drums the drum classes hold: its {otherPercussion} channel-10 notes are all outside the kit's table (kick, snare, hi-hats, toms, crash, ride)"
                : "has no drums (no notes on channel 10)");
        var steps = Math.Max(end, hits.Max(h => h.Step) + 1);
        if (steps > MaxSteps)
            throw new MidiReadException(name, MidiReadFailure.TooLong,
                $"the drum part is {(steps + 15) / 16:N0} bars long (4/4 bars of 16 steps); the limit is {MaxSteps / 16:N0} bars");
        var tokens = new int[steps];
        var velocities = Enumerable.Range(0, (int)steps).Select(_ => new byte[DrumEncoding.ClassCount]).ToArray();
        foreach (var (step, c, velocity) in hits)
        {
            tokens[step] |= 1 << c;
            velocities[step][c] = (byte)Math.Max(velocities[step][c], Math.Clamp(velocity, 1, 127));
        }
        var (tempi, metre) = MidiTimeline.Maps(file, tpq, (int)steps);
        return new DrumPattern(tokens, tempi, metre, velocities);
    }
}
