namespace VaeCreative.Audio.Midi;

/// <summary>
/// The events of a Standard MIDI File that a melody needs (notes, tempo, metre, where each track ends),
/// parsed in one bounded pass. Every length the file declares (chunk, meta, sysex) is checked against the
/// bytes actually present before it is used, and only note, tempo and metre events are kept, so time and
/// memory grow with the file's size, never with what it declares. (NAudio's reader, which this replaces for
/// reading, allocates meta events by their declared length, pairs each note-off by a linear search of the
/// sounding notes, and skips bytes it cannot parse, reading on from inside an event.)
/// </summary>
internal sealed class StandardMidiFile
{
    private StandardMidiFile(int format, int division, List<Track> tracks)
    {
        Format = format;
        Division = division;
        Tracks = tracks;
    }

    /// <summary>0, 1 or 2 (other values are read like 1).</summary>
    public int Format { get; }

    /// <summary>The header's time division: ticks per quarter note, or SMPTE when bit 15 is set.</summary>
    public int Division { get; }

    /// <summary>The <c>MTrk</c> chunks, in file order.</summary>
    public IReadOnlyList<Track> Tracks { get; }

    /// <summary>Parses <paramref name="bytes"/>; throws <see cref="MidiReadException"/> (named <paramref name="name"/>) when they are not a usable MIDI file.</summary>
    public static StandardMidiFile Parse(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new MidiReadException(name, MidiReadFailure.NotMidi, "file is empty");
        if (bytes.Length < 14 || !IsChunk(bytes, 0, "MThd"))
            throw new MidiReadException(name, MidiReadFailure.NotMidi, "not a MIDI file (no MThd header)");
        var headerLength = ReadUInt32(bytes, 4);
        if (headerLength < 6) throw Damaged(name, $"header chunk is {headerLength} bytes; it must hold at least 6");
        if (headerLength > bytes.Length - 8) throw Damaged(name, "truncated: the header chunk runs past the end of the file");
        var format = (bytes[8] << 8) | bytes[9];
        var declaredTracks = (bytes[10] << 8) | bytes[11];
        var division = (bytes[12] << 8) | bytes[13];
        if (declaredTracks == 0) throw new MidiReadException(name, MidiReadFailure.Damaged, "has zero tracks");

        var tracks = new List<Track>();
        long position = 8 + headerLength;
        long time = 0;
        while (tracks.Count < declaredTracks)
        {
            if (bytes.Length - position < 8)
                throw Damaged(name, $"truncated: the header declares {declaredTracks} tracks; the file holds {tracks.Count}");
            var length = ReadUInt32(bytes, (int)position + 4);
            var start = position + 8;
            if (length > bytes.Length - start)
                throw Damaged(name, $"truncated: chunk {tracks.Count + 1} declares {length} bytes; {bytes.Length - start} remain");
            // Chunks other than MTrk are skipped, as the standard asks; each costs its 8 header bytes at least.
            if (IsChunk(bytes, (int)position, "MTrk"))
            {
                // Format 0 is one stream: a second track (if any) continues the first one's clock, as NAudio did.
                if (format != 0) time = 0;
                var startTime = time;
                var events = ReadTrack(bytes, (int)start, (int)(start + length), tracks.Count, ref time, name);
                tracks.Add(new Track(events, time, (int)position, (int)(start + length), startTime));
            }
            position = start + length;
        }
        return new StandardMidiFile(format, division, tracks);
    }

    private static List<Event> ReadTrack(byte[] bytes, int start, int end, int index, ref long time, string name)
    {
        var events = new List<Event>();
        var running = 0;
        var p = start;
        while (p < end)
        {
            time += ReadVarLength(bytes, ref p, end, index, name);
            var status = (int)Next(bytes, ref p, end, index, name);
            if (status < 0x80)
            {
                // Running status: this byte is the first data byte of a message with the previous channel status.
                if (running == 0) throw Damaged(name, $"track {index} has a data byte (0x{status:X2}) before any status byte");
                p--;
                status = running;
            }
            switch (status)
            {
                case < 0xF0:
                    running = status;
                    var data1 = (int)Next(bytes, ref p, end, index, name);
                    var kind = status & 0xF0;
                    if (kind is 0xC0 or 0xD0) break; // program change, channel pressure: one data byte
                    var data2 = (int)Next(bytes, ref p, end, index, name);
                    if (kind is not (0x80 or 0x90)) break;
                    if (data1 > 127) throw Damaged(name, $"track {index} has a note number {data1}; MIDI notes are 0–127");
                    // Some sequencers write note-off velocities over 127; the velocity only tells on from off here.
                    var on = kind == 0x90 && (data2 & 0x7F) > 0;
                    events.Add(new Event(time, on ? EventKind.NoteOn : EventKind.NoteOff, (status & 0x0F) + 1, data1, data2 & 0x7F));
                    break;
                case 0xFF:
                    var type = (int)Next(bytes, ref p, end, index, name);
                    var length = ReadVarLength(bytes, ref p, end, index, name);
                    if (length > end - p) throw Damaged(name, $"track {index} has a meta event of {length} bytes; its track has {end - p} left");
                    if (type == 0x51 && length == 3)
                        events.Add(new Event(time, EventKind.Tempo, 0, (bytes[p] << 16) | (bytes[p + 1] << 8) | bytes[p + 2], 0));
                    else if (type == 0x58 && length == 4)
                        events.Add(new Event(time, EventKind.TimeSignature, 0, bytes[p], bytes[p + 1]));
                    p += length;
                    break;
                case 0xF0 or 0xF7:
                    var sysex = ReadVarLength(bytes, ref p, end, index, name);
                    if (sysex > end - p) throw Damaged(name, $"track {index} has a system exclusive message of {sysex} bytes; its track has {end - p} left");
                    p += sysex;
                    break;
                case 0xF8 or 0xFA or 0xFB or 0xFC:
                    break; // real-time messages without data (clock, start, continue, stop)
                default:
                    throw Damaged(name, $"track {index} has status byte 0x{status:X2}, which a MIDI file cannot hold");
            }
        }
        return events;
    }

    /// <summary>A variable-length quantity: at most 4 bytes, so at most 0x0FFFFFFF.</summary>
    private static int ReadVarLength(byte[] bytes, ref int p, int end, int track, string name)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = Next(bytes, ref p, end, track, name);
            value = (value << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) return value;
        }
        throw Damaged(name, $"track {track} has a variable-length number longer than 4 bytes");
    }

    private static byte Next(byte[] bytes, ref int p, int end, int track, string name)
    {
        if (p >= end) throw Damaged(name, $"track {track}'s last event runs past the end of its chunk");
        return bytes[p++];
    }

    private static bool IsChunk(byte[] bytes, int at, string id) =>
        bytes[at] == id[0] && bytes[at + 1] == id[1] && bytes[at + 2] == id[2] && bytes[at + 3] == id[3];

    private static uint ReadUInt32(byte[] bytes, int at) =>
        ((uint)bytes[at] << 24) | ((uint)bytes[at + 1] << 16) | ((uint)bytes[at + 2] << 8) | bytes[at + 3];

    private static MidiReadException Damaged(string name, string detail) =>
        new(name, MidiReadFailure.Damaged, $"damaged MIDI file ({detail})");

    /// <summary>
    /// The events kept from one track, the time of its last event (of any kind), where its chunk lies in the file
    /// (from its <c>MTrk</c> id to its last byte, exclusive) and the time its first delta counts from (0, except for
    /// the later tracks of a format-0 file).
    /// </summary>
    internal sealed record Track(IReadOnlyList<Event> Events, long End, int ChunkStart, int ChunkEnd, long StartTime);

    /// <summary>What an <see cref="Event"/> is.</summary>
    internal enum EventKind
    {
        NoteOn,
        NoteOff,
        /// <summary>Data1: microseconds per quarter note.</summary>
        Tempo,
        /// <summary>Data1: numerator; Data2: the denominator's power of two.</summary>
        TimeSignature,
    }

    /// <summary>One kept event at <paramref name="Time"/> ticks; <paramref name="Channel"/> is 1–16 for notes.</summary>
    internal readonly record struct Event(long Time, EventKind Kind, int Channel, int Data1, int Data2);
}
