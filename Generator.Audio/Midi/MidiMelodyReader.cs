using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// Reads a melody from any standard MIDI file (type 0 or 1, any resolution, tempo and metre changes,
/// several tracks and channels). The melody is the non-drum (track, channel) with the most monophonic
/// note content, reduced to its highest pitch at each onset and quantised to sixteenth notes.
/// Time and memory are bounded by the file's size whatever its events declare (see <see cref="MaxSteps"/>).
/// </summary>
public static class MidiMelodyReader
{
    /// <summary>General MIDI's percussion channel (1-based), never a melody.</summary>
    public const int DrumChannel = 10;

    /// <summary>Largest file read (MIDI files are small; this stops a stray multi-GB file early).</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Longest melody read, in steps: 65,536 sixteenths = 4,096 bars of 4/4 (over two hours at 120 qpm), far
    /// beyond any real song at any resolution. The length is computed from the file's declared timing before
    /// the melody is built, so a few bytes declaring a note of 2^28 ticks at 1 tick per quarter (a billion
    /// steps) are refused at the cost of reading those bytes. Callers with a smaller limit pass their own.
    /// </summary>
    public const int MaxSteps = 4096 * MelodyEncoding.StepsPerBar;

    /// <summary>Reads the melody of <paramref name="path"/>; <paramref name="track"/> (0-based) restricts the choice to one track; see <see cref="Read(byte[], string, int?, int)"/> for <paramref name="maxSteps"/>.</summary>
    public static Melody Read(string path, int? track = null, int maxSteps = MaxSteps) => Read(ReadFileBytes(path), path, track, maxSteps);

    /// <summary>The bytes of the MIDI file at <paramref name="path"/>, refusing a missing, unreadable or oversized (over <see cref="MaxFileBytes"/>) file.</summary>
    public static byte[] ReadFileBytes(string path)
    {
        if (!File.Exists(path)) throw new MidiReadException(path, MidiReadFailure.NotFound, "file not found");
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxFileBytes)
                throw new MidiReadException(path, MidiReadFailure.TooLarge, $"file is {info.Length / 1024 / 1024} MB; MIDI files over {MaxFileBytes / 1024 / 1024} MB are not read");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MidiReadException(path, MidiReadFailure.Unreadable, $"cannot be read ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>
    /// Reads the melody of a MIDI file held in memory; <paramref name="name"/> is used in messages. A melody
    /// longer than <paramref name="maxSteps"/> (at most <see cref="MaxSteps"/>) is refused with
    /// <see cref="MidiReadFailure.TooLong"/> before it is built; time and memory are bounded by the file's size.
    /// </summary>
    public static Melody Read(byte[] bytes, string name, int? track = null, int maxSteps = MaxSteps) =>
        ReadWithSource(bytes, name, track, maxSteps).Melody;

    /// <summary>
    /// <see cref="Read(byte[], string, int?, int)"/>, and where the melody came from in the file (its track, channel
    /// and the notes it was reduced from), which <see cref="MidiArrangement"/> needs to put a variation in its place.
    /// </summary>
    public static (Melody Melody, MidiMelodySource Source) ReadWithSource(byte[] bytes, string name, int? track = null, int maxSteps = MaxSteps)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (maxSteps is < 1 or > MaxSteps) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"must be between 1 and {MaxSteps}.");
        if (bytes.Length > MaxFileBytes)
            throw new MidiReadException(name, MidiReadFailure.TooLarge, $"file is {bytes.Length / 1024 / 1024} MB; MIDI files over {MaxFileBytes / 1024 / 1024} MB are not read");
        var file = StandardMidiFile.Parse(bytes, name);
        var ticksPerQuarter = file.Division;
        if ((ticksPerQuarter & 0x8000) != 0)
            throw new MidiReadException(name, MidiReadFailure.Unsupported, "uses SMPTE time division, which has no beat grid to quantise to");
        if (ticksPerQuarter == 0) throw new MidiReadException(name, MidiReadFailure.Damaged, "damaged MIDI file (the header declares 0 ticks per quarter note)");
        if (track is { } t && (t < 0 || t >= file.Tracks.Count))
            throw new MidiReadException(name, MidiReadFailure.Unsupported, $"has no track {t} (tracks are numbered 0 to {file.Tracks.Count - 1})");

        var sources = new Dictionary<(int Track, int Channel), List<RawNote>>();
        var drumNotes = 0;
        for (var tr = 0; tr < file.Tracks.Count; tr++)
        {
            var open = new Dictionary<(int Channel, int Pitch), Stack<(long Time, int Velocity)>>();
            foreach (var e in file.Tracks[tr].Events)
            {
                switch (e.Kind)
                {
                    case StandardMidiFile.EventKind.NoteOn:
                        if (!open.TryGetValue((e.Channel, e.Data1), out var stack)) open[(e.Channel, e.Data1)] = stack = new();
                        stack.Push((e.Time, e.Data2));
                        break;
                    case StandardMidiFile.EventKind.NoteOff:
                        if (open.TryGetValue((e.Channel, e.Data1), out var sounding) && sounding.Count > 0)
                        {
                            var (start, velocity) = sounding.Pop();
                            AddNote(sources, tr, e.Channel, start, e.Time, e.Data1, velocity, ref drumNotes);
                        }
                        break;
                }
            }
            // Notes never switched off end with their track.
            foreach (var ((channel, pitch), stack) in open)
                while (stack.Count > 0)
                {
                    var (start, velocity) = stack.Pop();
                    AddNote(sources, tr, channel, start, file.Tracks[tr].End, pitch, velocity, ref drumNotes);
                }
        }

        // Every source holds at least one note, so its reduction has at least one note-on: choose by score
        // first and reduce only the chosen source (reducing each would cost sources × length).
        var candidates = sources
            .Where(kv => track is null || kv.Key.Track == track)
            .Select(kv => (kv.Key, Notes: kv.Value, Score: Score(kv.Value, ticksPerQuarter)))
            .OrderByDescending(c => c.Score).ThenBy(c => c.Key.Track).ThenBy(c => c.Key.Channel)
            .ToList();
        if (candidates.Count == 0)
        {
            var reason = track is { } only ? $"track {only} has no notes outside the drum channel"
                : drumNotes > 0 ? "has no usable melody: it only has drums (channel 10)"
                : "has no usable melody: it contains no notes";
            throw new MidiReadException(name, MidiReadFailure.NoMelody, reason);
        }
        var chosen = candidates[0];
        var trackEnd = file.Tracks[chosen.Key.Track].End;
        var steps = DeclaredSteps(chosen.Notes, ticksPerQuarter, trackEnd);
        if (steps > maxSteps)
        {
            var bars = (steps + MelodyEncoding.StepsPerBar - 1) / MelodyEncoding.StepsPerBar;
            throw new MidiReadException(name, MidiReadFailure.TooLong,
                $"the melody is {bars:N0} bars long (4/4 bars of {MelodyEncoding.StepsPerBar} steps); the limit is {maxSteps / MelodyEncoding.StepsPerBar:N0} bars");
        }
        var kept = new List<int>();
        var tokens = Reduce(chosen.Notes, ticksPerQuarter, trackEnd, kept);
        var (tempoMap, metre) = MidiTimeline.Maps(file, ticksPerQuarter, tokens.Length);
        var melody = new Melody(tokens, tempoMap, metre);
        var source = new MidiMelodySource(chosen.Key.Track, chosen.Key.Channel, ticksPerQuarter, kept.Select(i => chosen.Notes[i]).ToList());
        return (melody, source);
    }

    /// <summary>The length in steps that <see cref="Reduce"/> builds, from the notes' and the track's declared times alone.</summary>
    internal static long DeclaredSteps(IReadOnlyList<RawNote> notes, int ticksPerQuarter, long trackEnd)
    {
        var steps = Quantise(trackEnd, ticksPerQuarter);
        foreach (var n in notes)
            steps = Math.Max(steps, Math.Max(Quantise(n.Start, ticksPerQuarter) + 1, Quantise(n.End, ticksPerQuarter)));
        return steps;
    }

    private static void AddNote(Dictionary<(int, int), List<RawNote>> sources, int track, int channel, long start, long end, int pitch, int velocity, ref int drumNotes)
    {
        if (channel == DrumChannel)
        {
            drumNotes++;
            return;
        }
        if (!sources.TryGetValue((track, channel), out var list)) sources[(track, channel)] = list = new();
        list.Add(new RawNote(start, Math.Max(end, start), pitch, velocity));
    }

    /// <summary>Onsets that survive the highest-pitch reduction, weighted by how monophonic the source is.</summary>
    private static double Score(List<RawNote> notes, int ticksPerQuarter)
    {
        var byOnset = notes.GroupBy(n => Quantise(n.Start, ticksPerQuarter)).ToList();
        var single = byOnset.Count(g => g.Select(n => n.Pitch).Distinct().Count() == 1);
        return byOnset.Count * ((double)single / byOnset.Count);
    }

    /// <summary>
    /// Quantises notes to the step grid and keeps, at each onset, the highest pitch; a note starting
    /// under a higher sounding note is dropped, a higher one cuts the sounding note. The indices of the notes kept
    /// are added to <paramref name="kept"/> when given.
    /// </summary>
    internal static int[] Reduce(IReadOnlyList<RawNote> notes, int ticksPerQuarter, long trackEnd = 0, List<int>? kept = null)
    {
        if (notes.Count == 0) return [];
        // The melody lasts until its last note ends or its track ends (trailing rests), whichever is later.
        var declared = DeclaredSteps(notes, ticksPerQuarter, trackEnd);
        if (declared > MaxSteps) throw new ArgumentOutOfRangeException(nameof(notes), declared, $"the notes last over {MaxSteps} steps; check the length first.");
        var length = (int)declared;
        var quantised = notes
            .Select((n, index) =>
            {
                var start = (int)Quantise(n.Start, ticksPerQuarter);
                var end = (int)Math.Max(start + 1, Quantise(n.End, ticksPerQuarter));
                return (Start: start, End: end, Pitch: FoldIntoRange(n.Pitch), Index: index);
            })
            .ToList();
        var tokens = new int[length];
        var starts = quantised.GroupBy(n => n.Start).ToDictionary(g => g.Key, g => g.OrderByDescending(n => n.Pitch).ThenByDescending(n => n.End).First());
        (int End, int Pitch)? current = null;
        for (var t = 0; t < length; t++)
        {
            if (current is { } c && c.End == t)
            {
                tokens[t] = MelodyEncoding.NoteOff;
                current = null;
            }
            if (starts.TryGetValue(t, out var note) && (current is null || note.Pitch >= current.Value.Pitch))
            {
                tokens[t] = MelodyEncoding.NoteOn(note.Pitch);
                current = (note.End, note.Pitch);
                kept?.Add(note.Index);
            }
        }
        return tokens;
    }

    private static long Quantise(long ticks, int ticksPerQuarter) => MidiTimeline.Quantise(ticks, ticksPerQuarter);

    private static int FoldIntoRange(int pitch)
    {
        while (pitch < MelodyEncoding.MinPitch) pitch += 12;
        while (pitch > MelodyEncoding.MaxPitch) pitch -= 12;
        return pitch;
    }

    private static string OneLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>A note as the file declares it: ticks, MIDI pitch and note-on velocity.</summary>
    public readonly record struct RawNote(long Start, long End, int Pitch, int Velocity = 80);
}
