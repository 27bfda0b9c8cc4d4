namespace VaeCreative.Audio.Melodies;

/// <summary>
/// The melody token vocabulary (MusicVAE's monophonic encoding): one token per sixteenth-note step,
/// 0 = no event (hold or rest), 1 = note off, 2–89 = note on for MIDI pitches 21–108.
/// </summary>
public static class MelodyEncoding
{
    /// <summary>Nothing happens at this step: the current note sustains, or the rest continues.</summary>
    public const int NoEvent = 0;

    /// <summary>The sounding note stops at this step.</summary>
    public const int NoteOff = 1;

    /// <summary>Lowest encodable pitch (A0).</summary>
    public const int MinPitch = 21;

    /// <summary>Highest encodable pitch (C8).</summary>
    public const int MaxPitch = 108;

    /// <summary>Vocabulary size: 2 + 88 pitches.</summary>
    public const int Classes = 2 + MaxPitch - MinPitch + 1;

    /// <summary>Time resolution: steps per quarter note.</summary>
    public const int StepsPerQuarter = 4;

    /// <summary>Steps per (4/4) bar; windows and hops are counted in these.</summary>
    public const int StepsPerBar = 4 * StepsPerQuarter;

    /// <summary>Steps per model window: two 4/4 bars.</summary>
    public const int WindowSteps = 2 * StepsPerBar;

    /// <summary>The token for a note-on of <paramref name="pitch"/> (21–108).</summary>
    public static int NoteOn(int pitch)
    {
        if (pitch is < MinPitch or > MaxPitch)
            throw new ArgumentOutOfRangeException(nameof(pitch), pitch, $"pitch must be between {MinPitch} and {MaxPitch}.");
        return pitch - MinPitch + 2;
    }

    /// <summary>True for note-on tokens.</summary>
    public static bool IsNoteOn(int token) => token is >= 2 and < Classes;

    /// <summary>The pitch of a note-on token.</summary>
    public static int PitchOf(int token)
    {
        if (!IsNoteOn(token)) throw new ArgumentOutOfRangeException(nameof(token), token, "not a note-on token.");
        return token - 2 + MinPitch;
    }

    /// <summary>A description of the encoding for model manifests, for models of <paramref name="windowSteps"/>-step windows.</summary>
    public static object Describe(int windowSteps = WindowSteps) => new
    {
        name = "melody-onehot-90",
        classes = Classes,
        noEvent = NoEvent,
        noteOff = NoteOff,
        noteOnFirstPitch = MinPitch,
        noteOnLastPitch = MaxPitch,
        stepsPerQuarter = StepsPerQuarter,
        windowSteps,
        polyphony = "highest pitch kept",
    };
}
