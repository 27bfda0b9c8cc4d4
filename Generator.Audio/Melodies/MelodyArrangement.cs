using VaeCreative.Audio.Midi;

namespace VaeCreative.Audio.Melodies;

/// <summary>The seed file a melody was read from and where in it the melody lies (see <see cref="MidiArrangement"/>).</summary>
/// <param name="File">The seed file's bytes.</param>
/// <param name="Source">Its melody line.</param>
public sealed record MelodyArrangement(byte[] File, MidiMelodySource Source);
