namespace VaeCreative.Audio.Midi;

/// <summary>
/// Where a melody read from a MIDI file came from: the track and channel chosen, the file's resolution, and the notes
/// of that line that the melody kept (a note under a higher one at the same onset is accompaniment, not melody).
/// </summary>
/// <param name="Track">Index of the <c>MTrk</c> chunk (0-based).</param>
/// <param name="Channel">MIDI channel, 1–16.</param>
/// <param name="TicksPerQuarter">The file's resolution.</param>
/// <param name="Notes">The melody's notes as the file declares them, in ticks.</param>
public sealed record MidiMelodySource(int Track, int Channel, int TicksPerQuarter, IReadOnlyList<MidiMelodyReader.RawNote> Notes);
