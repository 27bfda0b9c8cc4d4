namespace VaeCreative.Audio.Melodies;

/// <summary>
/// Upper bounds of the MIDI files the audio generators write, known before any work: what a host checks a
/// request's answer against (<see cref="Core.Modalities.PreparedSeed.MaxOutputBytes"/>).
/// </summary>
internal static class MidiBytesBound
{
    /// <summary>A note-on or note-off: a delta time of at most 4 bytes and a 3-byte message.</summary>
    private const long EventBytes = 7;

    /// <summary>A tempo or time-signature change: a delta time and a meta event of at most 8 bytes.</summary>
    private const long MetaBytes = 12;

    /// <summary>The file and track headers, names, program changes and end-of-track events.</summary>
    private const long HeaderBytes = 4_096;

    /// <summary>
    /// Most bytes of a file of <paramref name="steps"/> steps with at most <paramref name="notesPerStep"/> notes starting
    /// on each (each note an on and an off event), <paramref name="changes"/> tempo and metre changes, written into a
    /// copy of <paramref name="arrangement"/> (the seed file, whose other tracks are kept) when there is one.
    /// </summary>
    public static long Of(long steps, int notesPerStep, int changes, byte[]? arrangement) =>
        (arrangement?.LongLength ?? 0) + steps * notesPerStep * 2 * EventBytes + changes * MetaBytes + HeaderBytes;
}
