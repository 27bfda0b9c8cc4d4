using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// A WAV preview cannot be made on this machine: fluidsynth or a General MIDI soundfont is missing. The message
/// names each missing piece (with the path that was given, if one was) and how to install them.
/// </summary>
public sealed class PreviewUnavailableException : MaterialException
{
    /// <summary>Creates the exception from what is missing, each in the user's terms (e.g. "fluidsynth (not on PATH)").</summary>
    public PreviewUnavailableException(IReadOnlyList<string> missing)
        : base("WAV previews need fluidsynth and a General MIDI soundfont; not found: " + string.Join("; ", missing) +
               ". Install them with scripts/setup.sh --preview (Debian: fluidsynth, timgm6mb-soundfont), or set " +
               SoundfontSynthOptions.SoundfontVariable + " to a .sf2 file.")
    {
        Missing = missing.ToArray();
    }

    /// <summary>What is missing, one entry a piece.</summary>
    public IReadOnlyList<string> Missing { get; }
}
