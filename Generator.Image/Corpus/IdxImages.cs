using System.Buffers.Binary;
using System.IO.Compression;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Corpus;

/// <summary>
/// Reads the idx files of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte[.gz]</c>): a big-endian header (magic
/// 0x00000803, count, rows, columns) and then one byte per pixel, grey, row by row. Gzipped files are read as they are.
/// The header is checked against the file's length before anything is allocated, so a damaged or hostile header is a
/// clear error, not a huge allocation.
/// </summary>
public static class IdxImages
{
    /// <summary>The magic number of an idx file of unsigned bytes with three dimensions.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Largest side read.</summary>
    public const int MaxSide = 4096;

    /// <summary>Most bytes of pixels read from one file (1 GiB).</summary>
    public const long MaxPixelBytes = 1L << 30;

    /// <summary>The images of the idx file at <paramref name="path"/>, as opaque grey <see cref="RgbaImage"/>s, in file order.</summary>
    public static IReadOnlyList<RgbaImage> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
        return Read(stream, path);
    }

    /// <summary>The images of an idx stream named <paramref name="name"/> in errors.</summary>
    public static IReadOnlyList<RgbaImage> Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[16];
        if (!Fill(stream, header)) throw new ImageReadException($"'{name}' is not an idx image file: it ends inside the 16-byte header.");
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImagesMagic)
            throw new ImageReadException($"'{name}' is not an idx image file (magic 0x{magic:x8}; images of bytes are 0x{ImagesMagic:x8}).");
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || rows < 1 || columns < 1 || rows > MaxSide || columns > MaxSide)
            throw new ImageReadException($"'{name}' declares {count:N0} images of {rows}×{columns} pixels; sides must be 1–{MaxSide}.");
        if ((long)count * rows * columns > MaxPixelBytes)
            throw new ImageReadException($"'{name}' declares {(long)count * rows * columns:N0} bytes of pixels; the limit is {MaxPixelBytes:N0}.", overLimit: true);
        var images = new List<RgbaImage>(Math.Min(count, 1 << 16));
        var grey = new byte[rows * columns];
        for (var i = 0; i < count; i++)
        {
            if (!Fill(stream, grey))
                throw new ImageReadException($"'{name}' is truncated: it declares {count:N0} images and ends inside image {i + 1:N0}.");
            var rgba = new byte[4 * grey.Length];
            for (var p = 0; p < grey.Length; p++)
            {
                rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = grey[p];
                rgba[4 * p + 3] = 255;
            }
            images.Add(new RgbaImage(columns, rows, rgba));
        }
        return images;
    }

    private static bool Fill(Stream stream, Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
