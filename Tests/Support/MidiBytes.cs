namespace VaeCreative.Tests.Support;

/// <summary>Hand-built Standard MIDI Files, so malformed and unusual inputs don't depend on our writer.</summary>
public static class MidiBytes
{
    public static byte[] Header(int format, int tracks, int division) =>
    [
        (byte)'M', (byte)'T', (byte)'h', (byte)'d', 0, 0, 0, 6,
        0, (byte)format, (byte)(tracks >> 8), (byte)tracks, (byte)(division >> 8), (byte)division,
    ];

    public static byte[] Track(params byte[] events)
    {
        var body = events.Concat(new byte[] { 0x00, 0xFF, 0x2F, 0x00 }).ToArray();
        var len = body.Length;
        return new byte[] { (byte)'M', (byte)'T', (byte)'r', (byte)'k', (byte)(len >> 24), (byte)(len >> 16), (byte)(len >> 8), (byte)len }
            .Concat(body).ToArray();
    }

    public static byte[] File(int format, int division, params byte[][] tracks) =>
        Header(format, tracks.Length, division).Concat(tracks.SelectMany(t => t)).ToArray();

    /// <summary>Variable-length quantity.</summary>
    public static byte[] Vlq(int value)
    {
        var bytes = new List<byte> { (byte)(value & 0x7F) };
        value >>= 7;
        while (value > 0)
        {
            bytes.Insert(0, (byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }
        return bytes.ToArray();
    }

    /// <summary>Note on/off pairs (channel 0-based) laid end to end: (pitch, ticks).</summary>
    public static byte[] Notes(int channel, IEnumerable<(int Pitch, int Ticks)> notes, int gapTicks = 0)
    {
        var events = new List<byte>();
        foreach (var (pitch, ticks) in notes)
        {
            events.AddRange(Vlq(gapTicks));
            events.AddRange(new[] { (byte)(0x90 | channel), (byte)pitch, (byte)90 });
            events.AddRange(Vlq(ticks));
            events.AddRange(new[] { (byte)(0x80 | channel), (byte)pitch, (byte)0 });
        }
        return events.ToArray();
    }
}
