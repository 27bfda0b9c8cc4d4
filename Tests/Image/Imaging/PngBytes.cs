using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeCreative.Tests.Image.Imaging;

/// <summary>
/// Writes PNG files of any colour type and bit depth (SkiaSharp's encoder writes only 8-bit RGBA and grey), so the
/// tests can feed the decoder what real files hold: palette, 1-bit, 16-bit, grey + alpha.
/// </summary>
internal static class PngBytes
{
    /// <summary>
    /// A PNG of the given colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA) from raw, unfiltered rows;
    /// <paramref name="before"/> and <paramref name="after"/> are further chunks (type, data) written before the
    /// first IDAT and after the last.
    /// </summary>
    public static byte[] Write(int width, int height, int bitDepth, int colourType, byte[][] rows, byte[]? palette = null, byte[]? transparency = null,
        IEnumerable<(string Type, byte[] Data)>? before = null, IEnumerable<(string Type, byte[] Data)>? after = null)
    {
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colourType;
        Chunk(file, "IHDR", header);
        if (palette is not null) Chunk(file, "PLTE", palette);
        if (transparency is not null) Chunk(file, "tRNS", transparency);
        foreach (var (type, data) in before ?? []) Chunk(file, type, data);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            foreach (var row in rows)
            {
                z.WriteByte(0); // filter: none
                z.Write(row);
            }
        Chunk(file, "IDAT", raw.ToArray());
        foreach (var (type, data) in after ?? []) Chunk(file, type, data);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    /// <summary>PNG's CRC-32 (the same polynomial as zlib's), table-driven so that chunks of megabytes cost milliseconds.</summary>
    internal static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        return c;
    }).ToArray();
}
