namespace VaeCreative.Audio.Melodies;

/// <summary>Cuts melodies into fixed-length model windows and stitches generated windows back together.</summary>
public static class MelodyWindows
{
    /// <summary>
    /// Training windows of <paramref name="windowSteps"/> steps every <paramref name="hopSteps"/> steps
    /// (default one 4/4 bar); windows without any note-on are skipped.
    /// </summary>
    public static IEnumerable<int[]> Training(Melody melody, int hopSteps = MelodyEncoding.StepsPerBar, int windowSteps = MelodyEncoding.WindowSteps)
    {
        if (hopSteps < 1) throw new ArgumentOutOfRangeException(nameof(hopSteps), "hop must be at least one step.");
        var padded = Pad(melody.Tokens, RoundUp(melody.Steps, MelodyEncoding.StepsPerBar));
        for (var start = 0; start + windowSteps <= padded.Length; start += hopSteps)
        {
            var window = padded.AsSpan(start, windowSteps).ToArray();
            if (window.Any(MelodyEncoding.IsNoteOn)) yield return window;
        }
    }

    /// <summary>
    /// Where the model windows of a seed lie: consecutive spans covering steps <paramref name="from"/> to
    /// <paramref name="to"/> (default: the whole melody), each holding as many whole bars of the melody's metre as fit
    /// in <paramref name="windowSteps"/> steps (two bars of 4/4, two of 3/4 or 6/8 in 24 steps, one of 5/4
    /// in 20, four of 2/4). A bar longer than a window is cut into equal pieces of at most a window. Only a span's own
    /// steps are kept from the model's output, so every window starts on a bar line. <paramref name="from"/> should be a
    /// bar start; the spans start there whatever it is.
    /// </summary>
    public static IReadOnlyList<WindowSpan> Spans(Melody melody, int from = 0, int? to = null, int windowSteps = MelodyEncoding.WindowSteps) =>
        Spans(melody.Metre, melody.Steps, from, to, windowSteps);

    /// <summary>
    /// <see cref="Spans(Melody, int, int?, int)"/> for any step sequence of <paramref name="steps"/> steps in
    /// <paramref name="metre"/> (drum patterns too); <paramref name="windowSteps"/> is the model's window (32: two
    /// bars of 4/4; 256: sixteen).
    /// </summary>
    public static IReadOnlyList<WindowSpan> Spans(MetreMap metre, int steps, int from = 0, int? to = null, int windowSteps = MelodyEncoding.WindowSteps)
    {
        var end = to ?? steps;
        if (from < 0 || end > steps || from > end)
            throw new ArgumentOutOfRangeException(nameof(from), $"steps {from}–{end} are not within the {steps} steps.");
        if (from == end) return [new WindowSpan(from, 0)];
        if (windowSteps < 1) throw new ArgumentOutOfRangeException(nameof(windowSteps), windowSteps, "a window holds at least one step.");
        var w = windowSteps;
        // Bar lines inside the range, then the range's end: each consecutive pair is one bar (or the part of one in range).
        var lines = metre.BarStarts(steps).Where(b => b > from && b < end).Prepend(from).Append(end).ToList();
        var spans = new List<WindowSpan>();
        var start = from;
        for (var i = 1; i < lines.Count; i++)
        {
            var barStart = lines[i - 1];
            var barEnd = lines[i];
            if (barEnd - start <= w) continue; // this bar still fits in the window begun at start
            if (barStart > start)
            {
                spans.Add(new WindowSpan(start, barStart - start));
                start = barStart;
            }
            // A bar longer than a window is cut into equal pieces, none shared with the next bar.
            var length = barEnd - barStart;
            if (length <= w) continue;
            var pieces = (length + w - 1) / w;
            for (var k = 0; k < pieces; k++)
            {
                var pieceEnd = barStart + (int)((long)length * (k + 1) / pieces);
                spans.Add(new WindowSpan(start, pieceEnd - start));
                start = pieceEnd;
            }
        }
        if (start < end || spans.Count == 0) spans.Add(new WindowSpan(start, end - start));
        return spans;
    }

    /// <summary>The model windows of the whole melody (see <see cref="Chunks(Melody, IReadOnlyList{WindowSpan}, bool, int)"/>).</summary>
    public static int[][] Chunks(Melody melody, int windowSteps = MelodyEncoding.WindowSteps) =>
        Chunks(melody, Spans(melody, windowSteps: windowSteps), windowSteps: windowSteps);

    /// <summary>
    /// The tokens of each span as a model window of <paramref name="windowSteps"/> steps. A span shorter than
    /// a window is followed by the melody's next steps as context (with <paramref name="lookAhead"/>, the default: on
    /// the held-out Nottingham tunes this reconstructs 3/4, 6/8 and 9/8 better than silence or plain 32-step windows,
    /// <c>bench/results/metre-windows.json</c>); at the melody's end, or without look-ahead, it is padded with silence
    /// after a note-off. A note sounding into a window from before is struck again at its first step.
    /// </summary>
    public static int[][] Chunks(Melody melody, IReadOnlyList<WindowSpan> spans, bool lookAhead = true, int windowSteps = MelodyEncoding.WindowSteps)
    {
        var w = windowSteps;
        var tokens = melody.Tokens;
        var chunks = new int[spans.Count][];
        for (var c = 0; c < spans.Count; c++)
        {
            var (start, length) = (spans[c].Start, spans[c].Length);
            if (length > w) throw new ArgumentException($"span {c} is {length} steps; a window holds {w}.", nameof(spans));
            var chunk = new int[w];
            // The span's own steps, then what follows them in the melody as context (the model reads a continuous
            // excerpt, as in training; only the span's steps are kept from its output), then silence at the end.
            var filled = lookAhead ? Math.Min(w, tokens.Count - start) : length;
            for (var t = 0; t < filled; t++) chunk[t] = tokens[start + t];
            var before = SoundingAt(tokens, start);
            if (before >= 0 && length > 0 && chunk[0] == MelodyEncoding.NoEvent) chunk[0] = MelodyEncoding.NoteOn(before);
            if (filled < w && SoundingAt(chunk, filled) >= 0) chunk[filled] = MelodyEncoding.NoteOff;
            chunks[c] = chunk;
        }
        return chunks;
    }

    /// <summary>Joins generated windows back into one token list: the first <see cref="WindowSpan.Length"/> steps of each, in order.</summary>
    public static int[] Stitch(IReadOnlyList<int[]> windows, IReadOnlyList<WindowSpan> spans)
    {
        if (windows.Count != spans.Count) throw new ArgumentException($"{windows.Count} windows for {spans.Count} spans.", nameof(windows));
        var all = new int[spans.Sum(s => s.Length)];
        var at = 0;
        for (var c = 0; c < spans.Count; c++)
        {
            Array.Copy(windows[c], 0, all, at, spans[c].Length);
            at += spans[c].Length;
        }
        return all;
    }

    /// <summary>
    /// <paramref name="seed"/>'s tokens with steps <paramref name="from"/> to <paramref name="to"/> replaced by
    /// <paramref name="replacement"/>, and the two seams made explicit so that each side sounds as it did: at the
    /// start, a note held from before stops unless the replacement strikes one; at the end, what the seed was doing
    /// there (a held note: struck again; a rest: a note-off) is restored.
    /// </summary>
    public static int[] Splice(IReadOnlyList<int> seed, int from, int to, IReadOnlyList<int> replacement)
    {
        if (replacement.Count != to - from) throw new ArgumentException($"{replacement.Count} tokens for steps {from}–{to}.", nameof(replacement));
        var result = seed.ToArray();
        for (var t = from; t < to; t++) result[t] = replacement[t - from];
        if (from > 0 && from < to && result[from] == MelodyEncoding.NoEvent && SoundingAt(seed, from) >= 0) result[from] = MelodyEncoding.NoteOff;
        if (to < seed.Count && to > from && seed[to] == MelodyEncoding.NoEvent)
        {
            var held = SoundingAt(seed, to);
            if (held >= 0) result[to] = MelodyEncoding.NoteOn(held);
            else if (SoundingAt(result, to) >= 0) result[to] = MelodyEncoding.NoteOff;
        }
        return result;
    }

    /// <summary>The pitch sounding just before step <paramref name="step"/> (after steps 0 to step − 1), or −1 in a rest.</summary>
    public static int SoundingAt(IReadOnlyList<int> tokens, int step)
    {
        for (var t = Math.Min(step, tokens.Count) - 1; t >= 0; t--)
        {
            if (MelodyEncoding.IsNoteOn(tokens[t])) return MelodyEncoding.PitchOf(tokens[t]);
            if (tokens[t] == MelodyEncoding.NoteOff) return -1;
        }
        return -1;
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
