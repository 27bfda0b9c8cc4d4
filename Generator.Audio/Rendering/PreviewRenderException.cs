using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Rendering;

/// <summary>fluidsynth ran but made no usable WAV (it failed, could not read the soundfont, or ran out of time); the message carries what it said.</summary>
public sealed class PreviewRenderException : MaterialException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, ending with fluidsynth's own words where it gave any.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public PreviewRenderException(string message, Exception? inner = null) : base(message, inner: inner) { }
}
