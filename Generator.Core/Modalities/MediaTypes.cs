namespace VaeCreative.Core.Modalities;

/// <summary>Media types the bundled modalities read and write.</summary>
public static class MediaTypes
{
    /// <summary>Standard MIDI file.</summary>
    public const string Midi = "audio/midi";

    /// <summary>Plain UTF-8 text.</summary>
    public const string PlainText = "text/plain";

    /// <summary>PNG image (what image models write; piano-roll previews).</summary>
    public const string Png = "image/png";

    /// <summary>WAV audio (melody previews).</summary>
    public const string Wav = "audio/wav";
}
