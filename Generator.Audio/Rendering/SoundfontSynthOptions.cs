namespace VaeCreative.Audio.Rendering;

/// <summary>How <see cref="SoundfontSynth"/> renders MIDI to WAV: which synthesiser and soundfont, and the audio's format.</summary>
public sealed record SoundfontSynthOptions
{
    /// <summary>The environment variable naming a soundfont, used when <see cref="SoundfontPath"/> is not set.</summary>
    public const string SoundfontVariable = "VAECREATIVE_SOUNDFONT";

    /// <summary>Where Debian's General MIDI soundfont packages put their files, searched in this order when neither <see cref="SoundfontPath"/> nor <see cref="SoundfontVariable"/> names one.</summary>
    public static IReadOnlyList<string> WellKnownSoundfonts { get; } =
    [
        "/usr/share/sounds/sf2/default-GM.sf2", // the alternative the installed GM soundfonts register
        "/usr/share/sounds/sf2/FluidR3_GM.sf2",
        "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/sounds/sf3/default-GM.sf3",
        "/usr/share/sounds/sf3/MuseScore_General.sf3",
        "/usr/share/soundfonts/default.sf2",
        "/usr/share/soundfonts/FluidR3_GM.sf2",
    ];

    /// <summary>The soundfont (.sf2 or .sf3) to play with. Default: null, meaning <see cref="SoundfontVariable"/>, then <see cref="WellKnownSoundfonts"/>. A path given here must exist.</summary>
    public string? SoundfontPath { get; init; }

    /// <summary>The fluidsynth program: a name searched on PATH, or a path (anything with a directory separator). Default: "fluidsynth".</summary>
    public string FluidSynthPath { get; init; } = "fluidsynth";

    /// <summary>Samples per second of the WAV. Default 44,100; fluidsynth accepts 8,000–96,000.</summary>
    public int SampleRate { get; init; } = 44_100;

    /// <summary>fluidsynth's master gain. Default 0.6 (its own default, 0.2, is quiet for a single melody line); range (0, 10).</summary>
    public double Gain { get; init; } = 0.6;

    /// <summary>The longest MIDI rendered (a WAV takes about 10 MB a minute). Default 10 minutes; range 1 second to 1 hour.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its documented range.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(FluidSynthPath);
        if (SampleRate is < 8_000 or > 96_000)
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "the sample rate must be 8,000–96,000 samples per second.");
        if (!(Gain > 0 && Gain < 10))
            throw new ArgumentOutOfRangeException(nameof(Gain), Gain, "the gain must be above 0 and below 10.");
        if (MaxDuration < TimeSpan.FromSeconds(1) || MaxDuration > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(MaxDuration), MaxDuration, "the longest preview must be 1 second to 1 hour.");
    }
}
