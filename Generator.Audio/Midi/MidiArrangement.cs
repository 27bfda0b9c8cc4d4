using System.Buffers.Binary;
using VaeCreative.Audio.Melodies;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// Puts a new melody into the MIDI file it was read from, in place of the old one: the result is the seed file
/// itself — header, resolution, every other track byte for byte, tempo map, time signatures, programs and
/// controllers — with only the melody line's notes in the chosen steps replaced. Notes the reader left out of the
/// melody (lower notes of a chord on the same channel) stay, so a piano part keeps its accompaniment.
/// </summary>
public static class MidiArrangement
{
    /// <summary>
    /// The bytes of <paramref name="seedFile"/> with the melody notes of <paramref name="source"/> whose onsets fall in
    /// steps <paramref name="from"/> to <paramref name="to"/> replaced by <paramref name="melody"/>'s notes there. A
    /// melody note struck before <paramref name="from"/> and still sounding at it is shortened to end there. New notes
    /// take the velocity of the seed's melody note sounding (or last struck) at their onset.
    /// </summary>
    public static byte[] Replace(byte[] seedFile, MidiMelodySource source, Melody melody, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(seedFile);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(melody);
        if (from < 0 || to > melody.Steps || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"steps {from}–{to} are not within the melody's {melody.Steps} steps.");
        var file = StandardMidiFile.Parse(seedFile, "seed");
        if (source.Track < 0 || source.Track >= file.Tracks.Count) throw new ArgumentException($"the file has no track {source.Track}.", nameof(source));
        var track = file.Tracks[source.Track];
        var tpq = source.TicksPerQuarter;
        long Tick(int step) => Math.Min(track.End, (long)Math.Round((double)step * tpq / MelodyEncoding.StepsPerQuarter, MidpointRounding.AwayFromZero));
        int Step(long tick) => (int)Math.Round((double)tick * MelodyEncoding.StepsPerQuarter / tpq, MidpointRounding.AwayFromZero);

        var removed = new HashSet<(long, int)>();
        var shortened = new HashSet<(long, int)>();
        foreach (var n in source.Notes)
        {
            var onset = Step(n.Start);
            if (onset >= from && onset < to) removed.Add((n.Start, n.Pitch));
            else if (onset < from && Step(n.End) > from) shortened.Add((n.Start, n.Pitch));
        }

        var status = (byte)(source.Channel - 1);
        var added = new List<(long Time, int Order, byte[] Bytes)>();
        foreach (var (start, end, pitch) in melody.Notes())
        {
            if (start < from || start >= to) continue;
            var velocity = VelocityAt(source.Notes, Tick(start), tpq);
            added.Add((Tick(start), 1, [(byte)(0x90 | status), (byte)pitch, (byte)velocity]));
            added.Add((Tick(Math.Min(end, to)), 0, [(byte)(0x80 | status), (byte)pitch, 64]));
        }

        var kept = new List<(long Time, int Order, byte[] Bytes)>();
        var open = new Dictionary<int, Stack<bool>>(); // per pitch: true when the sounding note is being taken out
        foreach (var e in RawEvents(seedFile, track))
        {
            if (e.IsEndOfTrack) continue;
            if (e.Channel == source.Channel && e.NoteOn is { } isOn)
            {
                if (isOn)
                {
                    var cut = removed.Contains((e.Time, e.Pitch)) || shortened.Contains((e.Time, e.Pitch));
                    if (!open.TryGetValue(e.Pitch, out var stack)) open[e.Pitch] = stack = new();
                    stack.Push(cut);
                    if (shortened.Contains((e.Time, e.Pitch)))
                    {
                        added.Add((Tick(from), 0, [(byte)(0x80 | status), (byte)e.Pitch, 64]));
                        kept.Add((e.Time, 0, e.Bytes));
                    }
                    else if (!cut) kept.Add((e.Time, 0, e.Bytes));
                    continue;
                }
                if (open.TryGetValue(e.Pitch, out var sounding) && sounding.Count > 0 && sounding.Pop()) continue;
            }
            kept.Add((e.Time, 0, e.Bytes));
        }

        // Original events first at each tick, then the new note-offs, then the new note-ons.
        var events = kept.Select((e, i) => (e.Time, Rank: 0, Index: i, e.Bytes))
            .Concat(added.Select((e, i) => (e.Time, Rank: 1 + e.Order, Index: i, e.Bytes)))
            .OrderBy(e => e.Time).ThenBy(e => e.Rank).ThenBy(e => e.Index).ToList();

        return WithTracks(seedFile, new Dictionary<StandardMidiFile.Track, byte[]> { [track] = Chunk(track, events.Select(e => (e.Time, e.Bytes))) });
    }

    /// <summary>An <c>MTrk</c> chunk of <paramref name="events"/> (sorted, absolute ticks) for <paramref name="track"/>'s place: its start time and end.</summary>
    internal static byte[] Chunk(StandardMidiFile.Track track, IEnumerable<(long Time, byte[] Bytes)> events)
    {
        using var chunk = new MemoryStream();
        var time = track.StartTime;
        foreach (var e in events)
        {
            WriteVarLength(chunk, e.Time - time);
            time = e.Time;
            chunk.Write(e.Bytes);
        }
        WriteVarLength(chunk, Math.Max(0, track.End - time));
        chunk.Write([0xFF, 0x2F, 0x00]);
        var body = chunk.ToArray();
        var result = new byte[8 + body.Length];
        "MTrk"u8.CopyTo(result);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(4), (uint)body.Length);
        body.CopyTo(result, 8);
        return result;
    }

    /// <summary><paramref name="seedFile"/> with the chunks of the given tracks replaced, everything else byte for byte.</summary>
    internal static byte[] WithTracks(byte[] seedFile, IReadOnlyDictionary<StandardMidiFile.Track, byte[]> chunks)
    {
        using var output = new MemoryStream(seedFile.Length + 1024);
        var at = 0;
        foreach (var (track, chunk) in chunks.OrderBy(kv => kv.Key.ChunkStart))
        {
            output.Write(seedFile, at, track.ChunkStart - at);
            output.Write(chunk);
            at = track.ChunkEnd;
        }
        output.Write(seedFile, at, seedFile.Length - at);
        return output.ToArray();
    }

    /// <summary>The velocity of the melody note sounding at (or last struck before) <paramref name="tick"/>; the first note's before any.</summary>
    private static int VelocityAt(IReadOnlyList<MidiMelodyReader.RawNote> notes, long tick, int ticksPerQuarter)
    {
        if (notes.Count == 0) return MidiMelodyWriter.Velocity;
        var best = notes[0];
        foreach (var n in notes)
            if (n.Start <= tick + ticksPerQuarter / 8 && n.Start >= best.Start) best = n;
        return Math.Clamp(best.Velocity, 1, 127);
    }

    /// <summary>One event of a track as written: absolute time, bytes with status, and what a rewrite needs to know of a note.</summary>
    internal readonly record struct RawEvent(long Time, byte[] Bytes, int Channel, bool? NoteOn, int Pitch, bool IsEndOfTrack);

    /// <summary>Every event of <paramref name="track"/>'s chunk with its absolute time, written out with its status byte (running status undone).</summary>
    internal static IEnumerable<RawEvent> RawEvents(byte[] bytes, StandardMidiFile.Track track)
    {
        var p = track.ChunkStart + 8;
        var end = track.ChunkEnd;
        var time = track.StartTime;
        var running = 0;
        var result = new List<RawEvent>();
        while (p < end)
        {
            time += ReadVarLength(bytes, ref p);
            int status = bytes[p];
            if (status < 0x80) status = running;
            else p++;
            var start = p;
            switch (status)
            {
                case < 0xF0:
                    running = status;
                    var kind = status & 0xF0;
                    var size = kind is 0xC0 or 0xD0 ? 1 : 2;
                    var message = new byte[1 + size];
                    message[0] = (byte)status;
                    Array.Copy(bytes, p, message, 1, size);
                    p += size;
                    bool? on = kind == 0x90 ? (message[2] & 0x7F) > 0 : kind == 0x80 ? false : null;
                    result.Add(new RawEvent(time, message, (status & 0x0F) + 1, on, message[1], false));
                    break;
                case 0xFF:
                    var type = bytes[p++];
                    var length = ReadVarLength(bytes, ref p);
                    p += length;
                    result.Add(new RawEvent(time, bytes[(start - 1)..p], 0, null, 0, type == 0x2F));
                    break;
                case 0xF0 or 0xF7:
                    var sysex = ReadVarLength(bytes, ref p);
                    p += sysex;
                    result.Add(new RawEvent(time, bytes[(start - 1)..p], 0, null, 0, false));
                    break;
                default: // real-time bytes (clock, start, continue, stop): kept as they were
                    result.Add(new RawEvent(time, [(byte)status], 0, null, 0, false));
                    break;
            }
        }
        return result;
    }

    private static int ReadVarLength(byte[] bytes, ref int p)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = bytes[p++];
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) break;
        }
        return value;
    }

    private static void WriteVarLength(Stream stream, long value)
    {
        if (value is < 0 or > 0x0FFFFFFF) throw new ArgumentOutOfRangeException(nameof(value), value, "a MIDI delta time is 0–0x0FFFFFFF ticks.");
        Span<byte> buffer = stackalloc byte[4];
        var n = 0;
        buffer[n++] = (byte)(value & 0x7F);
        while ((value >>= 7) > 0) buffer[n++] = (byte)((value & 0x7F) | 0x80);
        for (var i = n - 1; i >= 0; i--) stream.WriteByte(buffer[i]);
    }
}
