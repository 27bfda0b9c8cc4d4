namespace VaeCreative.Tests.Audio.Midi;

/// <summary>
/// Seeded mutations of Standard MIDI Files, for fuzzing the reader: byte-level (bit flips, interesting
/// bytes, insertions, deletions, duplications, truncations) and structure-aware (chunk lengths, header
/// fields, thousands of tracks, absurd deltas, tempi and metres, running-status abuse, huge variable-length
/// sizes, note floods, splices of two files). Structural edits usually fix the chunk length so that the
/// input reaches the event parser and the melody code behind it. Shared by the test suite's short run
/// (MidiFuzzTests) and the long campaign (bench/fuzz.sh, which links this file).
/// </summary>
public sealed class MidiMutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF, 0xF0, 0xF7, 0xF8, 0xF4, 0xFE, 0x2F, 0x51, 0x58, 0x90, 0x80, 0xC0, 0xE0];
    private static readonly uint[] InterestingLengths = [0, 1, 2, 3, 5, 6, 0x7F, 0x80, 0xFFFF, 0x0FFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];
    private static readonly int[] InterestingDivisions = [0, 1, 2, 3, 24, 96, 0x7FFF, 0x8000, 0xE728, 0xFFFF];
    private static readonly int[] InterestingDeltas = [0x0FFFFFFF, 0x0FFFFFFE, 0x00200000, 0x001FFFFF, 0x3FFF, 0x4000, 0x7F, 0x80, 1];

    private readonly IReadOnlyList<byte[]> seeds;

    /// <summary>A mutator over <paramref name="seeds"/> (valid MIDI files, ideally).</summary>
    public MidiMutator(IReadOnlyList<byte[]> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed file is needed.", nameof(seeds));
        this.seeds = seeds;
    }

    /// <summary>Names of the mutation operators, in the order <see cref="Next"/> draws them from.</summary>
    public static readonly string[] Operators =
    [
        "bit-flips", "interesting-bytes", "insert", "delete", "duplicate", "truncate",
        "chunk-length", "header", "many-tracks", "absurd-delta", "absurd-tempo-or-metre",
        "running-status", "huge-varlen", "note-flood", "splice",
    ];

    /// <summary>One input: a seed with one to three mutations stacked.</summary>
    public byte[] Next(Random random)
    {
        var data = seeds[random.Next(seeds.Count)];
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds && data.Length <= MaxInputBytes; i++) data = Mutate(data, random.Next(Operators.Length), random);
        return data;
    }

    /// <summary>Applies operator <paramref name="op"/> (an index into <see cref="Operators"/>).</summary>
    public byte[] Mutate(byte[] data, int op, Random random)
    {
        if (data.Length == 0) return [(byte)random.Next(256)];
        return op switch
        {
            0 => FlipBits(data, random),
            1 => SetInteresting(data, random),
            2 => Insert(data, random.Next(data.Length + 1), RandomBytes(random, 1 + random.Next(32))),
            3 => Delete(data, random),
            4 => Duplicate(data, random),
            5 => data[..random.Next(data.Length)],
            6 => ChunkLength(data, random),
            7 => Header(data, random),
            8 => ManyTracks(data, random),
            9 => EditEvent(data, random, AbsurdDelta),
            10 => EditEvent(data, random, AbsurdTempoOrMetre),
            11 => EditEvent(data, random, RunningStatus),
            12 => EditEvent(data, random, HugeVarLength),
            13 => EditEvent(data, random, NoteFlood),
            _ => Splice(data, seeds[random.Next(seeds.Count)], random),
        };
    }

    private static byte[] FlipBits(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (int i = 0, n = 1 + random.Next(8); i < n; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] SetInteresting(byte[] data, Random random)
    {
        var copy = (byte[])data.Clone();
        for (int i = 0, n = 1 + random.Next(4); i < n; i++) copy[random.Next(copy.Length)] = Interesting[random.Next(Interesting.Length)];
        return copy;
    }

    private static byte[] Delete(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var count = Math.Min(data.Length - at, 1 + random.Next(32));
        return [.. data[..at], .. data[(at + count)..]];
    }

    private static byte[] Duplicate(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var count = Math.Min(data.Length - at, 1 + random.Next(64));
        return Insert(data, random.Next(data.Length + 1), data[at..(at + count)]);
    }

    private static byte[] ChunkLength(byte[] data, Random random)
    {
        var chunks = Chunks(data);
        if (chunks.Count == 0) return FlipBits(data, random);
        var (start, length) = chunks[random.Next(chunks.Count)];
        var value = random.Next(3) switch
        {
            0 => InterestingLengths[random.Next(InterestingLengths.Length)],
            1 => (uint)(length + random.Next(-3, 4)),
            _ => (uint)random.NextInt64(0, 1L << 32),
        };
        var copy = (byte[])data.Clone();
        WriteUInt32(copy, start + 4, value);
        return copy;
    }

    private static byte[] Header(byte[] data, Random random)
    {
        if (data.Length < 14) return FlipBits(data, random);
        var copy = (byte[])data.Clone();
        switch (random.Next(3))
        {
            case 0: WriteUInt16(copy, 8, random.Next(2) == 0 ? random.Next(4) : random.Next(65536)); break;
            case 1: WriteUInt16(copy, 10, random.Next(3) switch { 0 => 0, 1 => 65535, _ => random.Next(65536) }); break;
            default: WriteUInt16(copy, 12, random.Next(2) == 0 ? InterestingDivisions[random.Next(InterestingDivisions.Length)] : random.Next(65536)); break;
        }
        return copy;
    }

    /// <summary>Largest input a mutation round starts from; bigger inputs only cost time (their cost is linear in their size).</summary>
    public const int MaxInputBytes = 128 * 1024;

    /// <summary>One track repeated hundreds to thousands of times (at most <see cref="MaxInputBytes"/> in all), with the header's count set to match or not.</summary>
    private static byte[] ManyTracks(byte[] data, Random random)
    {
        var tracks = Chunks(data).Where(c => c.Start > 0 && c.Start + 8 + c.Length <= data.Length).ToList();
        if (tracks.Count == 0 || data.Length < 14) return Header(data, random);
        var (start, length) = tracks[random.Next(tracks.Count)];
        var chunk = data[start..(start + 8 + (int)length)];
        var copies = Math.Max(1, Math.Min(100 + random.Next(5000), MaxInputBytes / chunk.Length));
        var result = new byte[data.Length + copies * chunk.Length];
        data.CopyTo(result, 0);
        for (var i = 0; i < copies; i++) chunk.CopyTo(result, data.Length + i * chunk.Length);
        var declared = random.Next(4) == 0 ? random.Next(65536) : Math.Min(65535, tracks.Count + copies);
        WriteUInt16(result, 10, declared);
        return result;
    }

    private static byte[] Splice(byte[] a, byte[] b, Random random)
    {
        var cut = random.Next(a.Length + 1);
        var from = random.Next(b.Length + 1);
        return [.. a[..cut], .. b[from..]];
    }

    // ---- event-level edits: one event of one track is rewritten and (usually) the track's length fixed ----

    /// <summary>An event: its first byte (the delta), its status byte (or first data byte under running status) and its end.</summary>
    private readonly record struct Span(int Start, int Status, int End, bool HasStatus, int StatusByte);

    private delegate byte[] EventEdit(byte[] body, IReadOnlyList<Span> events, Random random);

    private static byte[] EditEvent(byte[] data, Random random, EventEdit edit)
    {
        var tracks = Chunks(data).Where(c => c.Start > 0 && c.Start + 8 + c.Length <= data.Length).ToList();
        if (tracks.Count == 0) return FlipBits(data, random);
        var (start, length) = tracks[random.Next(tracks.Count)];
        var bodyStart = start + 8;
        var body = data[bodyStart..(bodyStart + (int)length)];
        var events = Events(body);
        if (events.Count == 0) return FlipBits(data, random);
        var edited = edit(body, events, random);
        byte[] result = [.. data[..bodyStart], .. edited, .. data[(bodyStart + (int)length)..]];
        // Nine times in ten the chunk length matches the new body, so the damage reaches the event parser.
        if (random.Next(10) != 0) WriteUInt32(result, start + 4, (uint)edited.Length);
        return result;
    }

    private static byte[] AbsurdDelta(byte[] body, IReadOnlyList<Span> events, Random random)
    {
        var e = events[random.Next(events.Count)];
        var delta = random.Next(2) == 0 ? InterestingDeltas[random.Next(InterestingDeltas.Length)] : random.Next(0x10000000);
        return [.. body[..e.Start], .. VarLength(delta), .. body[e.Status..]];
    }

    private static byte[] AbsurdTempoOrMetre(byte[] body, IReadOnlyList<Span> events, Random random)
    {
        var e = events[random.Next(events.Count)];
        byte[] meta = random.Next(2) == 0
            ? [0x00, 0xFF, 0x51, 0x03, .. Pick<byte[]>(random, [0, 0, 0], [0, 0, 1], [0xFF, 0xFF, 0xFF], RandomBytes(random, 3))]
            : [0x00, 0xFF, 0x58, 0x04, (byte)Pick(random, 0, 1, 255, random.Next(256)), (byte)Pick(random, 0, 7, 8, 31, 255, random.Next(256)), 24, 8];
        return Insert(body, e.Start, meta);
    }

    private static byte[] RunningStatus(byte[] body, IReadOnlyList<Span> events, Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                // Drop the status bytes of several events: their data is read with whatever status came before.
                var drop = events.Where(e => e.HasStatus && random.Next(4) == 0).Select(e => e.Status).ToHashSet();
                return body.Where((_, i) => !drop.Contains(i)).ToArray();
            case 1:
                // A data byte where the first status byte should be.
                return Insert(body, events[0].Status, [(byte)random.Next(128)]);
            default:
                // A long run of data pairs under one status.
                var e = events[random.Next(events.Count)];
                var run = new List<byte>();
                for (int i = 0, n = 10 + random.Next(2000); i < n; i++) run.AddRange([(byte)random.Next(4), (byte)random.Next(128), (byte)random.Next(128)]);
                return Insert(body, e.End, [.. run]);
        }
    }

    private static byte[] HugeVarLength(byte[] body, IReadOnlyList<Span> events, Random random)
    {
        var sized = events.Where(e => e.HasStatus && e.StatusByte is 0xFF or 0xF0 or 0xF7).ToList();
        byte[] size = Pick<byte[]>(random, [0xFF, 0xFF, 0xFF, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0x8F, 0xFF, 0xFF, 0x7F], VarLength(random.Next(0x10000000)));
        if (sized.Count == 0 || random.Next(3) == 0)
        {
            // A new meta or sysex event declaring a huge size, with a few bytes of content.
            var at = events[random.Next(events.Count)].Start;
            byte[] head = random.Next(2) == 0 ? [0x00, 0xFF, (byte)random.Next(128)] : [0x00, 0xF0];
            return Insert(body, at, [.. head, .. size, .. RandomBytes(random, random.Next(8))]);
        }
        var e = sized[random.Next(sized.Count)];
        var lengthAt = e.Status + (e.StatusByte == 0xFF ? 2 : 1);
        var p = lengthAt;
        while (p < e.End && (body[p] & 0x80) != 0) p++;
        return [.. body[..lengthAt], .. size, .. body[Math.Min(e.End, p + 1)..]];
    }

    private static byte[] NoteFlood(byte[] body, IReadOnlyList<Span> events, Random random)
    {
        var flood = new List<byte>();
        var offsOnly = random.Next(3) == 0;
        for (int i = 0, n = 100 + random.Next(5000); i < n; i++)
            flood.AddRange([(byte)random.Next(3), (byte)((offsOnly ? 0x80 : 0x90) | random.Next(16)), (byte)random.Next(128), (byte)(1 + random.Next(127))]);
        return Insert(body, events[random.Next(events.Count)].Start, [.. flood]);
    }

    // ---- structure helpers ----

    /// <summary>Chunks as (start, declared length), walking from the header until a length leaves the file.</summary>
    private static List<(int Start, uint Length)> Chunks(byte[] data)
    {
        var chunks = new List<(int, uint)>();
        var p = 0;
        while (p + 8 <= data.Length)
        {
            var length = ReadUInt32(data, p + 4);
            chunks.Add((p, length));
            if (length > data.Length - p - 8) break;
            p += 8 + (int)length;
        }
        return chunks;
    }

    /// <summary>The events of a track body, as far as they parse.</summary>
    private static List<Span> Events(byte[] body)
    {
        var events = new List<Span>();
        var p = 0;
        var running = 0;
        while (p < body.Length)
        {
            var start = p;
            for (var i = 0; i < 4 && p < body.Length; i++)
                if ((body[p++] & 0x80) == 0) break;
            if (p >= body.Length) break;
            var statusAt = p;
            int status = body[p];
            var hasStatus = status >= 0x80;
            if (hasStatus) p++;
            else if (running == 0) break;
            else status = running;
            if (status < 0xF0)
            {
                running = status;
                p += (status & 0xF0) is 0xC0 or 0xD0 ? 1 : 2;
            }
            else if (status is 0xFF or 0xF0 or 0xF7)
            {
                if (status == 0xFF) p++;
                var length = 0;
                for (var i = 0; i < 4 && p < body.Length; i++)
                {
                    var b = body[p++];
                    length = (length << 7) | (b & 0x7F);
                    if ((b & 0x80) == 0) break;
                }
                p += length;
            }
            if (p > body.Length || p < 0) break;
            events.Add(new Span(start, statusAt, p, hasStatus, status));
        }
        return events;
    }

    private static byte[] Insert(byte[] data, int at, byte[] bytes) => [.. data[..at], .. bytes, .. data[at..]];

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];

    private static byte[] VarLength(int value)
    {
        var bytes = new List<byte> { (byte)(value & 0x7F) };
        for (value >>= 7; value > 0; value >>= 7) bytes.Insert(0, (byte)((value & 0x7F) | 0x80));
        return [.. bytes];
    }

    private static uint ReadUInt32(byte[] data, int at) =>
        ((uint)data[at] << 24) | ((uint)data[at + 1] << 16) | ((uint)data[at + 2] << 8) | data[at + 3];

    private static void WriteUInt32(byte[] data, int at, uint value)
    {
        data[at] = (byte)(value >> 24);
        data[at + 1] = (byte)(value >> 16);
        data[at + 2] = (byte)(value >> 8);
        data[at + 3] = (byte)value;
    }

    private static void WriteUInt16(byte[] data, int at, int value)
    {
        data[at] = (byte)(value >> 8);
        data[at + 1] = (byte)value;
    }
}
