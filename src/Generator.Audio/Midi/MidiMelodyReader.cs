using NAudio.Midi;
using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// Reads a melody from any standard MIDI file (type 0 or 1, any resolution, tempo and metre changes,
/// several tracks and channels). The melody is the non-drum (track, channel) with the most monophonic
/// note content, reduced to its highest pitch at each onset and quantised to sixteenth notes.
/// </summary>
public static class MidiMelodyReader
{
    /// <summary>General MIDI's percussion channel (1-based), never a melody.</summary>
    public const int DrumChannel = 10;

    /// <summary>Largest file read (MIDI files are small; this stops a stray multi-GB file early).</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Reads the melody of <paramref name="path"/>; <paramref name="track"/> (0-based) restricts the choice to one track.</summary>
    public static Melody Read(string path, int? track = null)
    {
        if (!File.Exists(path)) throw new MidiReadException(path, "file not found");
        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes) throw new MidiReadException(path, $"file is {info.Length / 1024 / 1024} MB; MIDI files over {MaxFileBytes / 1024 / 1024} MB are not read");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new MidiReadException(path, $"cannot be read ({e.Message})", e); }
        return Read(bytes, path, track);
    }

    /// <summary>Reads the melody of a MIDI file held in memory; <paramref name="name"/> is used in messages.</summary>
    public static Melody Read(byte[] bytes, string name, int? track = null)
    {
        var file = Parse(bytes, name);
        var ticksPerQuarter = file.DeltaTicksPerQuarterNote;
        if (ticksPerQuarter <= 0 || (ticksPerQuarter & 0x8000) != 0)
            throw new MidiReadException(name, "uses SMPTE time division, which has no beat grid to quantise to");
        if (track is { } t && (t < 0 || t >= file.Tracks))
            throw new MidiReadException(name, $"has no track {t} (tracks are numbered 0 to {file.Tracks - 1})");

        var tempo = 120.0;
        var timeSignature = TimeSignature.Common;
        long tempoTime = long.MaxValue, signatureTime = long.MaxValue;
        var sources = new Dictionary<(int Track, int Channel), List<RawNote>>();
        var trackEnds = new long[file.Tracks];
        var drumNotes = 0;
        for (var tr = 0; tr < file.Tracks; tr++)
        {
            var open = new Dictionary<(int Channel, int Pitch), Stack<(long Time, int Velocity)>>();
            long lastTime = 0;
            foreach (var e in file.Events[tr])
            {
                lastTime = Math.Max(lastTime, e.AbsoluteTime);
                switch (e)
                {
                    case TempoEvent te when e.AbsoluteTime < tempoTime && te.MicrosecondsPerQuarterNote > 0:
                        tempoTime = e.AbsoluteTime;
                        tempo = 60_000_000.0 / te.MicrosecondsPerQuarterNote;
                        break;
                    case TimeSignatureEvent ts when e.AbsoluteTime < signatureTime && ts.Numerator > 0 && ts.Denominator is >= 0 and < 8:
                        signatureTime = e.AbsoluteTime;
                        timeSignature = new TimeSignature(ts.Numerator, 1 << ts.Denominator);
                        break;
                    case NoteEvent ne when e.CommandCode is MidiCommandCode.NoteOn or MidiCommandCode.NoteOff:
                        var key = (ne.Channel, ne.NoteNumber);
                        var isOn = e.CommandCode == MidiCommandCode.NoteOn && ne.Velocity > 0;
                        if (isOn)
                        {
                            if (!open.TryGetValue(key, out var stack)) open[key] = stack = new();
                            stack.Push((e.AbsoluteTime, ne.Velocity));
                        }
                        else if (open.TryGetValue(key, out var stack) && stack.Count > 0)
                        {
                            var (start, _) = stack.Pop();
                            AddNote(sources, tr, ne.Channel, start, e.AbsoluteTime, ne.NoteNumber, ref drumNotes);
                        }
                        break;
                }
            }
            trackEnds[tr] = lastTime;
            // Notes never switched off end with their track.
            foreach (var ((channel, pitch), stack) in open)
                while (stack.Count > 0)
                    AddNote(sources, tr, channel, stack.Pop().Time, lastTime, pitch, ref drumNotes);
        }

        var candidates = sources
            .Where(kv => track is null || kv.Key.Track == track)
            .Select(kv => (kv.Key, Melody: Reduce(kv.Value, ticksPerQuarter, trackEnds[kv.Key.Track]), Score: Score(kv.Value, ticksPerQuarter)))
            .Where(c => c.Melody.Count(MelodyEncoding.IsNoteOn) > 0)
            .OrderByDescending(c => c.Score).ThenBy(c => c.Key.Track).ThenBy(c => c.Key.Channel)
            .ToList();
        if (candidates.Count == 0)
        {
            var reason = track is { } only ? $"track {only} has no notes outside the drum channel"
                : drumNotes > 0 ? "has no usable melody: it only has drums (channel 10)"
                : "has no usable melody: it contains no notes";
            throw new MidiReadException(name, reason);
        }
        return new Melody(candidates[0].Melody, tempo, timeSignature);
    }

    private static MidiFile Parse(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new MidiReadException(name, "file is empty");
        if (bytes.Length < 14 || bytes[0] != 'M' || bytes[1] != 'T' || bytes[2] != 'h' || bytes[3] != 'd')
            throw new MidiReadException(name, "not a MIDI file (no MThd header)");
        var declaredTracks = (bytes[10] << 8) | bytes[11];
        if (declaredTracks == 0) throw new MidiReadException(name, "has zero tracks");
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var file = new MidiFile(stream, false);
            if (file.Tracks == 0) throw new MidiReadException(name, "has zero tracks");
            return file;
        }
        catch (MidiReadException) { throw; }
        catch (Exception e) when (e is FormatException or EndOfStreamException or IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or InvalidDataException)
        {
            var reason = e is EndOfStreamException ? "damaged MIDI file (truncated)" : $"damaged MIDI file ({OneLine(e.Message)})";
            throw new MidiReadException(name, reason, e);
        }
    }

    private static void AddNote(Dictionary<(int, int), List<RawNote>> sources, int track, int channel, long start, long end, int pitch, ref int drumNotes)
    {
        if (channel == DrumChannel)
        {
            drumNotes++;
            return;
        }
        if (!sources.TryGetValue((track, channel), out var list)) sources[(track, channel)] = list = new();
        list.Add(new RawNote(start, Math.Max(end, start), pitch));
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
    /// under a higher sounding note is dropped, a higher one cuts the sounding note.
    /// </summary>
    internal static int[] Reduce(IReadOnlyList<RawNote> notes, int ticksPerQuarter, long trackEnd = 0)
    {
        var quantised = notes
            .Select(n =>
            {
                var start = Quantise(n.Start, ticksPerQuarter);
                var end = Math.Max(start + 1, Quantise(n.End, ticksPerQuarter));
                return (Start: start, End: end, Pitch: FoldIntoRange(n.Pitch));
            })
            .ToList();
        if (quantised.Count == 0) return [];
        // The melody lasts until its last note ends or its track ends (trailing rests), whichever is later.
        var length = Math.Max(quantised.Max(n => n.End), Quantise(trackEnd, ticksPerQuarter));
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
            }
        }
        return tokens;
    }

    private static int Quantise(long ticks, int ticksPerQuarter) =>
        (int)Math.Min(int.MaxValue / 2, Math.Round((double)ticks * MelodyEncoding.StepsPerQuarter / ticksPerQuarter, MidpointRounding.AwayFromZero));

    private static int FoldIntoRange(int pitch)
    {
        while (pitch < MelodyEncoding.MinPitch) pitch += 12;
        while (pitch > MelodyEncoding.MaxPitch) pitch -= 12;
        return pitch;
    }

    private static string OneLine(string s) => s.Split('\n')[0].Trim();

    internal readonly record struct RawNote(long Start, long End, int Pitch);
}
