using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Midi;

/// <summary>A MIDI file could not be used: missing, not MIDI, damaged, too long, or without a usable melody. The message names the file.</summary>
public sealed class MidiReadException : MaterialException
{
    /// <summary>Creates the exception with a one-line message "<c>FILE: REASON</c>".</summary>
    public MidiReadException(string path, MidiReadFailure failure, string reason, Exception? inner = null)
        : base($"{path}: {reason}", failure is MidiReadFailure.TooLong or MidiReadFailure.TooLarge, inner)
    {
        Path = path;
        Failure = failure;
        Kind = failure.ToString();
        Reason = reason;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The kind of failure (for callers that answer differently, e.g. a length limit versus a damaged file).</summary>
    public MidiReadFailure Failure { get; }

    /// <summary>Why it could not be used.</summary>
    public string Reason { get; }
}
