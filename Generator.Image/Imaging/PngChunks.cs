using System.Buffers.Binary;

namespace VaeCreative.Image.Imaging;

/// <summary>
/// A PNG's chunks, walked once before the file reaches SkiaSharp's codec. libpng's progressive reader, which the codec
/// drives, holds each chunk other than IDAT whole before handling it, growing its buffer by a copy for every piece that
/// arrives: a chunk of n bytes costs time quadratic in n (a 16 MB iTXt took seconds, a 50 MB one minutes; issue 23).
/// So the walk keeps only what decoding needs — the critical chunks and the ancillary ones that can bear on pixels
/// (tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, each at most <see cref="MaxChunkBytes"/>) — and drops the rest: text (tEXt,
/// zTXt, iTXt), Exif, times, animation and private chunks. It costs one pass over the file and one copy, only when
/// something is dropped.
/// </summary>
public static class PngChunks
{
    /// <summary>The largest chunk other than IDAT that reaches the codec (a real ICC profile is well under this).</summary>
    public const int MaxChunkBytes = 1 << 20;

    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>Ancillary chunks kept: those that can change the decoded pixels.</summary>
    private static readonly HashSet<string> PixelChunks = new(StringComparer.Ordinal) { "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT" };

    /// <summary>
    /// <paramref name="data"/> without the chunks decoding does not need; the same array when it is not a PNG or nothing
    /// is dropped. A chunk whose length runs past the end stops the walk (the rest is kept as it is, for the codec to
    /// call truncated or damaged). A critical chunk other than IDAT longer than <see cref="MaxChunkBytes"/> is refused
    /// (<see cref="ImageReadException"/> naming <paramref name="field"/>): no valid PNG has one.
    /// </summary>
    public static byte[] ForDecoding(byte[] data, string field)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.AsSpan().StartsWith(Signature)) return data;
        List<(int Start, int End)>? kept = null; // byte ranges kept, once something has been dropped
        var keptFrom = 0;                       // start of the run of kept chunks not yet in 'kept'
        var at = Signature.Length;
        while (data.Length - at >= 12)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            if (length > (uint)(data.Length - at - 12)) break;
            var type = data.AsSpan(at + 4, 4);
            var end = at + 12 + (int)length;
            if (!Keep(type, length, field))
            {
                (kept ??= []).Add((keptFrom, at));
                keptFrom = end;
            }
            at = end;
            if (type.SequenceEqual("IEND"u8)) break;
        }
        if (kept is null) return data;
        kept.Add((keptFrom, data.Length));
        var result = new byte[kept.Sum(r => r.End - r.Start)];
        var written = 0;
        foreach (var (start, stop) in kept)
        {
            data.AsSpan(start, stop - start).CopyTo(result.AsSpan(written));
            written += stop - start;
        }
        return result;
    }

    private static bool Keep(ReadOnlySpan<byte> type, uint length, string field)
    {
        if (type.SequenceEqual("IDAT"u8)) return true;
        var critical = (type[0] & 0x20) == 0; // an upper-case first letter
        if (critical && length > MaxChunkBytes)
            throw new ImageReadException($"'{field}' is a damaged Png image: its {System.Text.Encoding.ASCII.GetString(type)} chunk is {length:N0} bytes.");
        return critical || (length <= MaxChunkBytes && PixelChunks.Contains(System.Text.Encoding.ASCII.GetString(type)));
    }
}
