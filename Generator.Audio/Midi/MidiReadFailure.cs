namespace VaeCreative.Audio.Midi;

/// <summary>Why a MIDI file could not be used (the kind of a <see cref="MidiReadException"/>).</summary>
public enum MidiReadFailure
{
    /// <summary>The file does not exist.</summary>
    NotFound,

    /// <summary>The file exists but cannot be read (permissions, I/O error).</summary>
    Unreadable,

    /// <summary>The file is larger than <see cref="MidiMelodyReader.MaxFileBytes"/>.</summary>
    TooLarge,

    /// <summary>The bytes are not a Standard MIDI File (empty, no <c>MThd</c> header).</summary>
    NotMidi,

    /// <summary>A Standard MIDI File whose structure is broken (truncated, a chunk or event that does not fit, a bad status byte).</summary>
    Damaged,

    /// <summary>A well-formed file that uses something the reader does not handle (SMPTE time, a missing track).</summary>
    Unsupported,

    /// <summary>The melody's declared length is over the limit (<see cref="MidiMelodyReader.MaxSteps"/> or the caller's).</summary>
    TooLong,

    /// <summary>The file has no notes outside the drum channel.</summary>
    NoMelody,

    /// <summary>No drum hits: nothing on channel 10 that the drum classes hold.</summary>
    NoDrums,
}
