using System.Buffers.Binary;
using System.IO.Compression;
using VaeCreative.Image.Corpus;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Corpus;

public class IdxImagesTests
{
    internal static byte[] Idx(int magic, int count, int rows, int columns, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    [Fact]
    public void Images_are_read_in_order_as_opaque_grey_rows_from_plain_and_gzipped_files()
    {
        var pixels = Enumerable.Range(0, 2 * 2 * 3).Select(i => (byte)(i * 20)).ToArray(); // two images of 2 rows × 3 columns
        var bytes = Idx(IdxImages.ImagesMagic, 2, 2, 3, pixels);
        var folder = Directory.CreateTempSubdirectory("idx-");
        try
        {
            var plain = Path.Combine(folder.FullName, "images-idx3-ubyte");
            File.WriteAllBytes(plain, bytes);
            var gz = plain + ".gz";
            using (var file = File.Create(gz))
            using (var zip = new GZipStream(file, CompressionLevel.Fastest))
                zip.Write(bytes);
            foreach (var path in new[] { plain, gz })
            {
                var images = IdxImages.Read(path);
                Assert.Equal(2, images.Count);
                Assert.Equal((3, 2), (images[1].Width, images[1].Height));
                Assert.Equal(new byte[] { 120, 120, 120, 255, 140, 140, 140, 255 }, images[1].Rgba.Take(8));
                Assert.True(images[0].IsGrey && !images[0].HasAlpha);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Wrong_magic_absurd_headers_and_truncation_are_one_line_errors()
    {
        static ImageReadException Fails(byte[] bytes) => Assert.Throws<ImageReadException>(() => IdxImages.Read(new MemoryStream(bytes), "f"));
        Assert.Contains("ends inside the 16-byte header", Fails([0, 0, 8]).Message);
        Assert.Contains("magic 0x00000801", Fails(Idx(0x801, 1, 1, 1, [0])).Message);
        Assert.Contains("sides must be", Fails(Idx(IdxImages.ImagesMagic, 1, 0, 28, [])).Message);
        var huge = Fails(Idx(IdxImages.ImagesMagic, int.MaxValue, 4096, 4096, []));
        Assert.True(huge.OverLimit);
        Assert.Contains("ends inside image 2", Fails(Idx(IdxImages.ImagesMagic, 3, 2, 2, new byte[6])).Message);
    }
}
