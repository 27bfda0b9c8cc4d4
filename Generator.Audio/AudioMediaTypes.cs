namespace VaeCreative.Audio;

/// <summary>Media types the audio modalities read and write.</summary>
public static class AudioMediaTypes
{
    /// <summary>Standard MIDI file (melodies, drums, songs).</summary>
    public const string Midi = "audio/midi";

    /// <summary>WAV audio (melody previews).</summary>
    public const string Wav = "audio/wav";

    /// <summary>PNG image (piano-roll previews).</summary>
    public const string Png = "image/png";
}
