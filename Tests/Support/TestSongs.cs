using System.Text.Json;

namespace VaeCreative.Tests.Support;

/// <summary>
/// Multi-track MIDI files as other people's songs are: a conductor track with tempo and metre changes, a melody
/// with a chord note under it on the same channel, programs, controllers, pitch bends and a sysex message, a bass,
/// drums on channel 10, running status, any resolution; type 0 or 1. And an independent reader (python3-mido).
/// </summary>
public static class TestSongs
{
    /// <summary>A MIDI message (status byte first) at an absolute tick.</summary>
    public sealed record Event(long Tick, byte[] Message);

    /// <summary>The melody's channel (1-based) and track in <see cref="Arrangement"/> (type 1; type 0 has one track).</summary>
    public const int MelodyChannel = 1, MelodyTrack = 1;

    /// <summary>
    /// A song of <paramref name="bars"/> bars of <paramref name="numerator"/>/<paramref name="denominator"/> at
    /// <paramref name="ticksPerQuarter"/>: melody on eighth notes (track 1, channel 1, with a lower chord note at each
    /// bar line), a bass note per bar (track 2, channel 2), a kick per beat (track 3, channel 10); the tempo changes
    /// at the middle bar.
    /// </summary>
    public static byte[] Arrangement(int format, int ticksPerQuarter, int bars, int numerator = 4, int denominator = 4, int seed = 1)
    {
        var random = new Random(seed);
        var barTicks = ticksPerQuarter * 4L * numerator / denominator;
        var eighth = ticksPerQuarter / 2;
        var conductor = new List<Event>
        {
            new(0, Meta(0x03, "Conductor"u8.ToArray())),
            new(0, Meta(0x51, [0x09, 0x27, 0xC0])), // 100 qpm
            new(0, Meta(0x58, [(byte)numerator, (byte)Math.Log2(denominator), 24, 8])),
            new(barTicks * (bars / 2), Meta(0x51, [0x06, 0x8A, 0xCF])), // 140 qpm
        };
        var melody = new List<Event>
        {
            new(0, Meta(0x03, "Flute"u8.ToArray())),
            new(0, [0xC0, 73]),
            new(0, [0xB0, 7, 100]),
            new(0, [0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7]),
        };
        var bass = new List<Event> { new(0, [0xC1, 33]) };
        var drums = new List<Event>();
        int[] scale = [0, 2, 4, 5, 7, 9, 11, 12];
        for (var b = 0; b < bars; b++)
        {
            var start = b * barTicks;
            for (var t = start; t + eighth <= start + barTicks; t += eighth)
            {
                var pitch = 67 + scale[random.Next(scale.Length)];
                var velocity = (byte)random.Next(50, 120);
                melody.Add(new Event(t, [0x90, (byte)pitch, velocity]));
                melody.Add(new Event(t + eighth - 1, [0x80, (byte)pitch, 0]));
            }
            melody.Add(new Event(start, [0x90, 55, 70])); // chord note under the melody: accompaniment, not melody
            melody.Add(new Event(start + barTicks / 2, [0x90, 55, 0]));
            melody.Add(new Event(start + eighth, [0xE0, 0x00, 0x48])); // a pitch bend
            bass.Add(new Event(start, [0x91, (byte)(36 + scale[random.Next(4)]), 90]));
            bass.Add(new Event(start + barTicks - 1, [0x81, bass[^1].Message[1], 0]));
            for (var beat = 0; beat < numerator; beat++)
            {
                var at = start + beat * barTicks / numerator;
                drums.Add(new Event(at, [0x99, 36, 100]));
                drums.Add(new Event(at + 10, [0x99, 36, 0]));
            }
        }
        return format == 0
            ? File(0, ticksPerQuarter, [.. conductor, .. melody, .. bass, .. drums])
            : File(1, ticksPerQuarter, conductor, melody, bass, drums);
    }

    /// <summary>A file of the given tracks (events sorted stably by tick; running status used for channel messages).</summary>
    public static byte[] File(int format, int ticksPerQuarter, params List<Event>[] tracks) =>
        MidiBytes.File(format, ticksPerQuarter, tracks.Select(t => MidiBytes.Track(Events(t))).ToArray());

    private static byte[] Events(List<Event> events)
    {
        var bytes = new List<byte>();
        long time = 0;
        var running = 0;
        foreach (var e in events.OrderBy(e => e.Tick))
        {
            bytes.AddRange(MidiBytes.Vlq((int)(e.Tick - time)));
            time = e.Tick;
            var status = e.Message[0];
            if (status < 0xF0 && status == running) bytes.AddRange(e.Message.Skip(1));
            else bytes.AddRange(e.Message);
            running = status < 0xF0 ? status : 0;
        }
        // MidiBytes.Track adds the end-of-track event.
        return bytes.ToArray();
    }

    private static byte[] Meta(byte type, byte[] data) => [0xFF, type, (byte)data.Length, .. data];

    /// <summary>One message as python3-mido reads it: absolute tick and its fields (no delta time).</summary>
    public sealed record Message(long Tick, string Text);

    /// <summary>A file as mido reads it: type, resolution and each track's messages.</summary>
    public sealed record MidoFile(int Type, int TicksPerBeat, List<List<Message>> Tracks);

    /// <summary>Reads <paramref name="bytes"/> with python3-mido (an independent parser); fails the test when it cannot.</summary>
    public static MidoFile Mido(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaecreative-mido-{Guid.NewGuid():N}.mid");
        System.IO.File.WriteAllBytes(path, bytes);
        try
        {
            const string script = """
                import sys, json, mido
                m = mido.MidiFile(sys.argv[1])
                tracks = []
                for t in m.tracks:
                    now, out = 0, []
                    for msg in t:
                        now += msg.time
                        d = msg.dict(); d.pop('time', None)
                        if d.get('type') == 'note_on' and d.get('velocity') == 0:
                            d = {'type': 'note_off', 'channel': d['channel'], 'note': d['note'], 'velocity': 0}
                        if d.get('type') == 'note_off':
                            d['velocity'] = 0
                        out.append([now, json.dumps(d, sort_keys=True)])
                    tracks.append(out)
                print(json.dumps({'type': m.type, 'tpb': m.ticks_per_beat, 'tracks': tracks}))
                """;
            var output = Python.Run(script, path);
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            var parsed = root.GetProperty("tracks").EnumerateArray()
                .Select(t => t.EnumerateArray().Select(m => new Message(m[0].GetInt64(), m[1].GetString()!)).ToList()).ToList();
            return new MidoFile(root.GetProperty("type").GetInt32(), root.GetProperty("tpb").GetInt32(), parsed);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
