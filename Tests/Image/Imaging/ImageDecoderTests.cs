using SkiaSharp;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Tests.Image.Imaging;

public class ImageDecoderTests
{
    /// <summary>A 3×2 RGBA picture with every alpha level we care about: opaque, half, clear.</summary>
    private static readonly byte[] Pixels =
    [
        255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0,
        10, 20, 30, 255, 200, 100, 50, 255, 255, 255, 255, 255,
    ];

    private static byte[] Encode(SKEncodedImageFormat format, int quality = 100, SKColorType colour = SKColorType.Rgba8888, byte[]? pixels = null)
    {
        var info = new SKImageInfo(3, 2, colour, colour == SKColorType.Gray8 ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var source = pixels ?? Pixels;
        System.Runtime.InteropServices.Marshal.Copy(source, 0, bitmap.GetPixels(), source.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    [Fact]
    public void Png_rgba_round_trips_exactly_with_its_alpha()
    {
        var image = ImageDecoder.Decode(Encode(SKEncodedImageFormat.Png), "seed");
        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal(Pixels, image.Rgba);
        Assert.True(image.HasAlpha);
        Assert.False(image.IsGrey);
    }

    [Fact]
    public void Grey_png_from_skia_decodes_to_equal_channels_and_opaque_alpha()
    {
        byte[] grey = [0, 64, 128, 192, 255, 7];
        var image = ImageDecoder.Decode(Encode(SKEncodedImageFormat.Png, colour: SKColorType.Gray8, pixels: grey), "seed");
        Assert.True(image.IsGrey);
        Assert.False(image.HasAlpha);
        Assert.Equal(grey, Enumerable.Range(0, 6).Select(i => image.Rgba[4 * i]));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Lossy_and_lossless_formats_decode_at_their_size(SKEncodedImageFormat format)
    {
        var image = ImageDecoder.Decode(Encode(format), "seed");
        Assert.Equal((3, 2), (image.Width, image.Height));
        // Lossy JPEG moves colours a little; red stays the most red channel of the first pixel.
        Assert.True(image.Rgba[0] > image.Rgba[1] && image.Rgba[0] > image.Rgba[2]);
    }

    [Fact]
    public void Palette_png_with_transparency_expands_to_rgba()
    {
        // 2-bit palette: red, green, blue (half transparent), clear.
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9];
        byte[] alpha = [255, 255, 128, 0];
        var row0 = (byte)((0 << 6) | (1 << 4) | (2 << 2) | 3);
        var png = PngBytes.Write(4, 1, 2, 3, [[row0]], palette, alpha);
        var image = ImageDecoder.Decode(png, "seed");
        Assert.Equal(new byte[] { 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 128, 9, 9, 9, 0 }.Take(12), image.Rgba.Take(12));
        Assert.Equal(0, image.Rgba[15]);
    }

    [Fact]
    public void One_bit_grey_png_is_black_and_white()
    {
        var png = PngBytes.Write(8, 1, 1, 0, [[0b1010_0000]]);
        var image = ImageDecoder.Decode(png, "seed");
        Assert.Equal([255, 0, 255, 0, 0, 0, 0, 0], Enumerable.Range(0, 8).Select(i => image.Rgba[4 * i]));
        Assert.True(image.IsGrey);
    }

    [Fact]
    public void Sixteen_bit_rgb_and_grey_alpha_pngs_narrow_to_eight_bits()
    {
        // 16-bit RGB: one pixel 0xFFFF, 0x8000, 0x0000.
        var rgb16 = ImageDecoder.Decode(PngBytes.Write(1, 1, 16, 2, [[0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00]]), "seed");
        Assert.Equal(255, rgb16.Rgba[0]);
        Assert.InRange(rgb16.Rgba[1], 127, 128);
        Assert.Equal(0, rgb16.Rgba[2]);
        Assert.Equal(255, rgb16.Rgba[3]);
        // 8-bit grey + alpha: grey 100 at alpha 50.
        var greyAlpha = ImageDecoder.Decode(PngBytes.Write(1, 1, 8, 4, [[100, 50]]), "seed");
        Assert.Equal(new byte[] { 100, 100, 100, 50 }, greyAlpha.Rgba);
        Assert.True(greyAlpha.HasAlpha && greyAlpha.IsGrey);
    }

    [Fact]
    public void Bmp_and_gif_decode()
    {
        // A 1×1 24-bit BMP holding blue-green-red 1, 2, 3 (rows padded to 4 bytes).
        byte[] bmp =
        [
            (byte)'B', (byte)'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
            40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 2, 3, 0,
        ];
        Assert.Equal(new byte[] { 3, 2, 1, 255 }, ImageDecoder.Decode(bmp, "seed").Rgba);
        // The classic 1×1 transparent GIF89a (its first frame).
        byte[] gif =
        [
            0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
            0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
            0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
        ];
        var image = ImageDecoder.Decode(gif, "seed");
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal(0, image.Rgba[3]);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        // 100,000 × 100,000 pixels declared; one compressed row is all there is.
        var bomb = PngBytes.Write(100_000, 100_000, 1, 0, [new byte[12_500]]);
        Assert.True(bomb.Length < 1_000);
        var e = Assert.Throws<ImageReadException>(() => ImageDecoder.Decode(bomb, "seed"));
        Assert.True(e.OverLimit);
        Assert.Contains("100,000×100,000", e.Message);
        Assert.Contains("16,777,216", e.Message);
    }

    [Fact]
    public void Empty_foreign_truncated_and_damaged_bytes_get_one_specific_line()
    {
        Assert.Equal("'seed' is empty.", Assert.Throws<ImageReadException>(() => ImageDecoder.Decode([], "seed")).Message);
        Assert.Contains("not an image", Assert.Throws<ImageReadException>(() => ImageDecoder.Decode("MThd, not a picture"u8.ToArray(), "seed")).Message);
        var rows = Enumerable.Range(0, 64).Select(r => Enumerable.Range(0, 64 * 4).Select(i => (byte)(i * 7 + r * 13)).ToArray()).ToArray();
        var png = PngBytes.Write(64, 64, 8, 6, rows);
        var truncated = Assert.Throws<ImageReadException>(() => ImageDecoder.Decode(png[..(png.Length / 2)], "seed"));
        Assert.Contains("truncated", truncated.Message);
        Assert.False(truncated.OverLimit);
        var damaged = (byte[])png.Clone();
        for (var i = 60; i < damaged.Length - 20; i += 9) damaged[i] ^= 0x5a;
        var e = Assert.Throws<ImageReadException>(() => ImageDecoder.Decode(damaged, "seed"));
        Assert.Contains("'seed'", e.Message);
    }

    /// <summary>A 32×32 RGBA picture whose pixels differ from row to row and column to column.</summary>
    private static byte[][] Rows32() =>
        Enumerable.Range(0, 32).Select(r => Enumerable.Range(0, 32 * 4).Select(i => (byte)(i * 7 + r * 13)).ToArray()).ToArray();

    [Fact]
    public void Text_and_metadata_chunks_never_reach_the_codec_but_pixel_chunks_do()
    {
        // Issue 23: libpng's progressive reader, which SkiaSharp drives, buffers a chunk by copying it again for each
        // piece that arrives, so a 16 MB iTXt took 20 s and a 50 MB one minutes. Such chunks are cut out first.
        var text = new byte[4 << 20];
        "XML:com.adobe.xmp\0\0\0\0\0"u8.CopyTo(text);
        Array.Fill(text, (byte)'x', 22, text.Length - 22);
        var rows = Rows32();
        var plain = PngBytes.Write(32, 32, 8, 6, rows);
        var gamma = ("gAMA", new byte[] { 0, 0, 0xB1, 0x8F });
        var withText = PngBytes.Write(32, 32, 8, 6, rows,
            before: [gamma, ("iTXt", text), ("tEXt", "Comment\0hello"u8.ToArray()), ("zTXt", "Title\0\0x"u8.ToArray()), ("eXIf", new byte[64])],
            after: [("iTXt", text), ("tIME", new byte[7]), ("prVt", new byte[1000]), ("iCCP", new byte[(1 << 20) + 1])]);

        var handed = ImageDecoder.CodecInput(withText, "seed");
        var types = PngChunkTypes(handed);
        Assert.Equal(["IHDR", "gAMA", "IDAT", "IEND"], types);
        Assert.Equal(PngBytes.Write(32, 32, 8, 6, rows, before: [gamma]), handed);
        Assert.Equal(ImageDecoder.Decode(plain, "seed").Rgba, ImageDecoder.Decode(withText, "seed").Rgba);
        // Files without such chunks, and other formats, are handed over as they are (no copy).
        Assert.Same(plain, ImageDecoder.CodecInput(plain, "seed"));
        var jpeg = Encode(SKEncodedImageFormat.Jpeg);
        Assert.Same(jpeg, ImageDecoder.CodecInput(jpeg, "seed"));
    }

    [Fact]
    public void A_png_whose_chunk_runs_past_its_end_is_handed_over_from_there_as_it_is()
    {
        var png = PngBytes.Write(32, 32, 8, 6, Rows32(), before: [("tEXt", "Comment\0hello"u8.ToArray())]);
        // The IDAT's length made larger than the file: the walk stops there and keeps the rest as it is.
        var idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        var broken = (byte[])png.Clone();
        broken[idat] = 0x7F;
        var handed = ImageDecoder.CodecInput(broken, "seed");
        Assert.Equal(["IHDR"], PngChunkTypes(handed[..(handed.Length - (broken.Length - idat))]));
        Assert.Equal(broken[idat..], handed[^(broken.Length - idat)..]);
        // The compressed rows are all there, so the codec decodes them; what matters is that it got them as they were.
        Assert.Equal(ImageDecoder.Decode(png, "seed").Rgba, ImageDecoder.Decode(broken, "seed").Rgba);
        var truncatedHeader = png[..20];
        Assert.Same(truncatedHeader, ImageDecoder.CodecInput(truncatedHeader, "seed"));
    }

    [Fact]
    public void A_critical_chunk_larger_than_any_valid_png_holds_is_refused_before_the_codec()
    {
        var png = PngBytes.Write(4, 1, 2, 3, [[0b00_01_10_11]], palette: new byte[(1 << 20) + 3]);
        var e = Assert.Throws<ImageReadException>(() => ImageDecoder.Decode(png, "seed"));
        Assert.Equal("'seed' is a damaged Png image: its PLTE chunk is 1,048,579 bytes.", e.Message);
    }

    /// <summary>The chunk types of a well-formed PNG, in order.</summary>
    private static List<string> PngChunkTypes(byte[] png)
    {
        var types = new List<string>();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            types.Add(System.Text.Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + length;
        }
        return types;
    }
}
