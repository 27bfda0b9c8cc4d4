namespace VaeCreative.Audio.Drums;

/// <summary>
/// MusicVAE's drum encoding: General MIDI percussion pitches fold into nine classes (kick, snare, closed and open
/// hi-hat, three toms, crash, ride), and each sixteenth-note step is the set of classes struck there — one of
/// 2⁹ = 512 tokens, bit <c>c</c> set when class <c>c</c> sounds (token 0 is a silent step).
/// </summary>
public static class DrumEncoding
{
    /// <summary>Drum classes.</summary>
    public const int ClassCount = 9;

    /// <summary>Tokens per step: every combination of classes.</summary>
    public const int Classes = 1 << ClassCount;

    /// <summary>Steps per quarter note (sixteenths, as melodies).</summary>
    public const int StepsPerQuarter = 4;

    /// <summary>Steps per model window: two bars of 4/4.</summary>
    public const int WindowSteps = 32;

    /// <summary>Class names, in bit order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["kick", "snare", "closed hi-hat", "open hi-hat", "low tom", "mid tom", "high tom", "crash", "ride"];

    /// <summary>The General MIDI pitches of each class; the first is the one written back.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> ClassPitches { get; } =
    [
        [36, 35],
        [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
        [42, 44, 54, 68, 69, 70, 71, 73, 78, 80],
        [46, 67, 72, 74, 79, 81],
        [45, 29, 41, 61, 64, 84],
        [48, 47, 60, 63, 77, 86, 87],
        [50, 30, 43, 62, 76, 83],
        [49, 55, 57, 58],
        [51, 52, 53, 59, 82],
    ];

    private static readonly int[] ClassByPitch = BuildClassByPitch();

    private static int[] BuildClassByPitch()
    {
        var map = Enumerable.Repeat(-1, 128).ToArray();
        for (var c = 0; c < ClassCount; c++)
            foreach (var pitch in ClassPitches[c]) map[pitch] = c;
        return map;
    }

    /// <summary>The class of a General MIDI percussion pitch, or null for a pitch outside the table (ignored).</summary>
    public static int? ClassOf(int pitch) => pitch is >= 0 and < 128 && ClassByPitch[pitch] >= 0 ? ClassByPitch[pitch] : null;

    /// <summary>The pitch written for <paramref name="drumClass"/>.</summary>
    public static int PitchOf(int drumClass)
    {
        if (drumClass is < 0 or >= ClassCount) throw new ArgumentOutOfRangeException(nameof(drumClass), drumClass, $"drum classes are 0–{ClassCount - 1}.");
        return ClassPitches[drumClass][0];
    }

    /// <summary>Whether <paramref name="token"/> strikes <paramref name="drumClass"/>.</summary>
    public static bool Strikes(int token, int drumClass) => (token >> drumClass & 1) != 0;

    /// <summary>The classes <paramref name="token"/> strikes, in class order.</summary>
    public static IEnumerable<int> ClassesOf(int token)
    {
        if (token is < 0 or >= Classes) throw new ArgumentOutOfRangeException(nameof(token), token, $"drum tokens are 0–{Classes - 1}.");
        for (var c = 0; c < ClassCount; c++)
            if (Strikes(token, c)) yield return c;
    }

    /// <summary>The token of a set of classes.</summary>
    public static int TokenOf(IEnumerable<int> classes)
    {
        var token = 0;
        foreach (var c in classes)
        {
            if (c is < 0 or >= ClassCount) throw new ArgumentOutOfRangeException(nameof(classes), c, $"drum classes are 0–{ClassCount - 1}.");
            token |= 1 << c;
        }
        return token;
    }

    /// <summary>A description of the encoding for model manifests.</summary>
    public static object Describe() => new
    {
        name = "drums-9class-512",
        classes = Classes,
        drumClasses = ClassNames,
        stepsPerQuarter = StepsPerQuarter,
        windowSteps = WindowSteps,
        channel = 10,
    };
}
