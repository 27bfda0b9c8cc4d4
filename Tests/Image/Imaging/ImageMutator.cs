using System.Buffers.Binary;
using SkiaSharp;

namespace VaeCreative.Tests.Image.Imaging;

/// <summary>
/// Seeded mutations of image files, for fuzzing the decoder: byte-level (bit flips, interesting bytes, insertions,
/// deletions, duplications, truncations, splices) and PNG-aware (chunk lengths; IHDR sizes, bit depths and colour
/// types with the chunk's CRC fixed, so the edit reaches the decoder instead of failing the checksum). Seeds cover
/// every format and pixel format the decoder reads: PNG (RGBA, grey, palette with transparency, 1-bit, 16-bit,
/// grey + alpha), JPEG, BMP, GIF and WebP. Shared by the test suite's short run (ImageFuzzTests) and the long
/// campaign (bench/fuzz.sh, which links this file and PngBytes).
/// </summary>
public sealed class ImageMutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x10, 0x03, 0x06];
    private static readonly uint[] InterestingSizes = [0, 1, 2, 3, 16, 255, 256, 4096, 4097, 65535, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private readonly IReadOnlyList<byte[]> seeds;

    /// <summary>A mutator over <paramref name="seeds"/> (valid image files, ideally).</summary>
    public ImageMutator(IReadOnlyList<byte[]> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("at least one seed file is needed.", nameof(seeds));
        this.seeds = seeds;
    }

    /// <summary>Names of the mutation operators, in the order <see cref="Next"/> draws them from.</summary>
    public static readonly string[] Operators =
        ["bit-flips", "interesting-bytes", "insert", "delete", "duplicate", "truncate", "png-chunk-length", "png-header", "splice"];

    /// <summary>Largest input made (larger inputs are not mutated further).</summary>
    public const int MaxInputBytes = 1 << 20;

    /// <summary>
    /// Seed files made here: a 24 × 17 picture with a gradient and transparent corner in every format SkiaSharp
    /// writes (PNG, JPEG, WebP lossy and lossless), PNGs of every colour type and bit depth, a BMP and a GIF.
    /// </summary>
    public static IReadOnlyList<byte[]> DefaultSeeds()
    {
        const int width = 24, height = 17;
        var rgba = new byte[4 * width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var p = 4 * (y * width + x);
                (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = ((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 5), (byte)(x + y < 6 ? 0 : 255));
            }
        var seeds = new List<byte[]>();
        using (var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
            using var image = SKImage.FromBitmap(bitmap);
            foreach (var (format, quality) in new[] { (SKEncodedImageFormat.Png, 100), (SKEncodedImageFormat.Jpeg, 90), (SKEncodedImageFormat.Webp, 80), (SKEncodedImageFormat.Webp, 100) })
            {
                using var data = image.Encode(format, quality);
                seeds.Add(data.ToArray());
            }
        }
        var rows8 = Enumerable.Range(0, 5).Select(r => Enumerable.Range(0, 7).Select(i => (byte)(i * 30 + r)).ToArray()).ToArray();
        seeds.Add(PngBytes.Write(7, 5, 8, 0, rows8));                                                                  // grey
        seeds.Add(PngBytes.Write(7, 5, 1, 0, Enumerable.Range(0, 5).Select(r => new[] { (byte)(0b1010_1010 >> r) }).ToArray())); // 1-bit
        seeds.Add(PngBytes.Write(3, 2, 16, 2, Enumerable.Range(0, 2).Select(r => Enumerable.Range(0, 18).Select(i => (byte)(i * 13 + r)).ToArray()).ToArray())); // 16-bit RGB
        seeds.Add(PngBytes.Write(4, 2, 8, 4, Enumerable.Range(0, 2).Select(r => Enumerable.Range(0, 8).Select(i => (byte)(i * 31 + r)).ToArray()).ToArray()));  // grey + alpha
        seeds.Add(PngBytes.Write(4, 2, 2, 3, [[0b00_01_10_11], [0b11_10_01_00]], [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], [255, 128, 0, 255])); // palette + tRNS
        seeds.Add(
        [
            (byte)'B', (byte)'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
            40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 2, 3, 0,
        ]);
        seeds.Add(
        [
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
            0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
            0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
        ]);
        return seeds;
    }

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
            2 => Insert(data, random.Next(data.Length + 1), RandomBytes(random, 1 + random.Next(64))),
            3 => Delete(data, random),
            4 => Duplicate(data, random),
            5 => data[..random.Next(data.Length)],
            6 => PngChunkLength(data, random),
            7 => PngHeader(data, random),
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

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Insert(byte[] data, int at, byte[] bytes) => [.. data.AsSpan(0, at), .. bytes, .. data.AsSpan(at)];

    private static byte[] Delete(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var count = Math.Min(data.Length - at, 1 + random.Next(64));
        return [.. data.AsSpan(0, at), .. data.AsSpan(at + count)];
    }

    private static byte[] Duplicate(byte[] data, Random random)
    {
        var at = random.Next(data.Length);
        var count = Math.Min(data.Length - at, 1 + random.Next(256));
        var times = 1 + random.Next(16);
        var piece = data.AsSpan(at, count).ToArray();
        var result = new List<byte>(data.Length + count * times);
        result.AddRange(data.AsSpan(0, at + count).ToArray());
        for (var i = 0; i < times; i++) result.AddRange(piece);
        result.AddRange(data.AsSpan(at + count).ToArray());
        return [.. result];
    }

    private static byte[] Splice(byte[] a, byte[] b, Random random)
    {
        var cut = random.Next(a.Length);
        var from = random.Next(b.Length);
        return [.. a.AsSpan(0, cut), .. b.AsSpan(from)];
    }

    /// <summary>Offsets of the PNG chunks (at their length field), or none when <paramref name="data"/> is not a PNG.</summary>
    private static List<int> Chunks(byte[] data)
    {
        var chunks = new List<int>();
        if (data.Length < 8 || data[0] != 0x89 || data[1] != (byte)'P') return chunks;
        for (var at = 8; at + 12 <= data.Length && chunks.Count < 64;)
        {
            chunks.Add(at);
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            if (length > (uint)(data.Length - at - 12)) break;
            at += 12 + (int)length;
        }
        return chunks;
    }

    private static byte[] PngChunkLength(byte[] data, Random random)
    {
        var chunks = Chunks(data);
        if (chunks.Count == 0) return FlipBits(data, random);
        var copy = (byte[])data.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(chunks[random.Next(chunks.Count)]), InterestingSizes[random.Next(InterestingSizes.Length)]);
        return copy;
    }

    /// <summary>IHDR's width, height, bit depth, colour type or interlace set to an edge value, with a valid CRC.</summary>
    private static byte[] PngHeader(byte[] data, Random random)
    {
        var chunks = Chunks(data);
        if (chunks.Count == 0 || chunks[0] + 25 > data.Length) return SetInteresting(data, random);
        var copy = (byte[])data.Clone();
        var body = chunks[0] + 8;
        switch (random.Next(4))
        {
            case 0: BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(body), InterestingSizes[random.Next(InterestingSizes.Length)]); break;
            case 1: BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(body + 4), InterestingSizes[random.Next(InterestingSizes.Length)]); break;
            case 2: copy[body + 8] = (byte)new[] { 0, 1, 2, 3, 4, 7, 8, 16, 32 }[random.Next(9)]; break;
            default: copy[body + 9 + random.Next(4)] = (byte)random.Next(8); break;
        }
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(body + 13), PngBytes.Crc32(copy.AsSpan(chunks[0] + 4, 17).ToArray()));
        return copy;
    }
}
