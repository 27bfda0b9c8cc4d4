namespace VaeCreative.Audio.Melodies;

/// <summary>Cuts melodies into fixed-length model windows and stitches generated windows back together.</summary>
public static class MelodyWindows
{
    /// <summary>
    /// Training windows of <see cref="MelodyEncoding.WindowSteps"/> steps every <paramref name="hopSteps"/> steps
    /// (default one 4/4 bar); windows without any note-on are skipped.
    /// </summary>
    public static IEnumerable<int[]> Training(Melody melody, int hopSteps = MelodyEncoding.StepsPerBar)
    {
        if (hopSteps < 1) throw new ArgumentOutOfRangeException(nameof(hopSteps), "hop must be at least one step.");
        var padded = Pad(melody.Tokens, RoundUp(melody.Steps, MelodyEncoding.StepsPerBar));
        for (var start = 0; start + MelodyEncoding.WindowSteps <= padded.Length; start += hopSteps)
        {
            var window = padded.AsSpan(start, MelodyEncoding.WindowSteps).ToArray();
            if (window.Any(MelodyEncoding.IsNoteOn)) yield return window;
        }
    }

    /// <summary>
    /// The consecutive, non-overlapping windows covering the whole melody (the last one padded with silence),
    /// as used for variation seeds. A note sounding across a window boundary is re-struck in the next window
    /// so that each window stands on its own.
    /// </summary>
    public static int[][] Chunks(Melody melody)
    {
        var w = MelodyEncoding.WindowSteps;
        var padded = Pad(melody.Tokens, Math.Max(w, RoundUp(melody.Steps, w)));
        var chunks = new int[padded.Length / w][];
        var sounding = -1;
        for (var c = 0; c < chunks.Length; c++)
        {
            chunks[c] = padded.AsSpan(c * w, w).ToArray();
            if (sounding >= 0 && chunks[c][0] == MelodyEncoding.NoEvent) chunks[c][0] = MelodyEncoding.NoteOn(sounding);
            foreach (var token in chunks[c])
            {
                if (MelodyEncoding.IsNoteOn(token)) sounding = MelodyEncoding.PitchOf(token);
                else if (token == MelodyEncoding.NoteOff) sounding = -1;
            }
        }
        return chunks;
    }

    /// <summary>Joins windows back into one token list cut to <paramref name="steps"/>.</summary>
    public static int[] Stitch(IEnumerable<int[]> windows, int steps)
    {
        var all = windows.SelectMany(x => x).Take(steps).ToArray();
        if (all.Length < steps) Array.Resize(ref all, steps);
        return all;
    }

    /// <summary>
    /// Pads with silence to <paramref name="length"/>; a note still sounding at the melody's end is stopped
    /// there so that the padding does not extend it.
    /// </summary>
    private static int[] Pad(IReadOnlyList<int> tokens, int length)
    {
        var padded = new int[Math.Max(length, tokens.Count)];
        for (var i = 0; i < tokens.Count; i++) padded[i] = tokens[i];
        if (padded.Length > tokens.Count) padded[tokens.Count] = MelodyEncoding.NoteOff;
        return padded;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
