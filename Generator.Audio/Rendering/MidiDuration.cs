using VaeCreative.Audio.Midi;

namespace VaeCreative.Audio.Rendering;

/// <summary>How long a MIDI file plays: its last track's end, through the file's tempo changes.</summary>
internal static class MidiDuration
{
    /// <summary>MIDI's tempo until a file sets one: 120 quarter notes a minute.</summary>
    private const double DefaultMicrosecondsPerQuarter = 500_000;

    /// <summary>The playing time of <paramref name="bytes"/>; throws <see cref="MidiReadException"/> (naming <paramref name="name"/>) when they are not a MIDI file.</summary>
    public static TimeSpan Of(byte[] bytes, string name)
    {
        var file = StandardMidiFile.Parse(bytes, name);
        var end = file.Tracks.Max(t => t.End);
        if ((file.Division & 0x8000) != 0)
        {
            // SMPTE time: the high byte is minus the frames per second, the low byte the ticks per frame.
            var framesPerSecond = -(sbyte)(file.Division >> 8);
            var ticksPerSecond = Math.Max(1, framesPerSecond * (file.Division & 0xFF));
            return TimeSpan.FromSeconds((double)end / ticksPerSecond);
        }
        var ticksPerQuarter = Math.Max(1, file.Division);
        var tempos = file.Tracks.SelectMany(t => t.Events)
            .Where(e => e.Kind == StandardMidiFile.EventKind.Tempo && e.Time < end)
            .OrderBy(e => e.Time);
        double microseconds = 0, perQuarter = DefaultMicrosecondsPerQuarter;
        long at = 0;
        foreach (var tempo in tempos)
        {
            microseconds += (tempo.Time - at) * perQuarter / ticksPerQuarter;
            at = tempo.Time;
            perQuarter = tempo.Data1;
        }
        microseconds += (end - at) * perQuarter / ticksPerQuarter;
        return TimeSpan.FromSeconds(microseconds / 1e6);
    }
}
