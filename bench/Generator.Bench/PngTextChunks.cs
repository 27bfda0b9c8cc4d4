using System.Diagnostics;
using SkiaSharp;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Imaging;

namespace VaeCreative.Bench;

/// <summary>
/// The <c>png-text</c> phase (issue 23, item 4): a valid 32×32 PNG carrying one uncompressed iTXt chunk of each
/// size asked for, timed through <see cref="ImageDecoder.Decode"/> and, apart, through SkiaSharp's codec alone
/// (<see cref="SKCodec.Create(SKStream)"/>, then <see cref="SKCodec.GetPixels(SKImageInfo, out byte[])"/>) on the whole
/// file, to show where the time goes. Also a private ancillary chunk of the same size, and the iTXt after the pixels.
/// </summary>
public static class PngTextChunks
{
    /// <summary>Runs the phase for <paramref name="sizesMb"/> (megabytes of chunk data, 2²⁰ bytes each).</summary>
    public static object Run(IEnumerable<int> sizesMb, bool skiaAlone)
    {
        var rows = Enumerable.Range(0, 32).Select(r => Enumerable.Range(0, 128).Select(i => (byte)(i * 7 + r * 13)).ToArray()).ToArray();
        // Not timed: the first decode in a process pays for JIT and SkiaSharp's start.
        var plain = PngBytes.Write(32, 32, 8, 6, rows);
        ImageDecoder.Decode(plain, "bench");
        SkiaCodec(plain, pixels: true);
        return sizesMb.Select(mb => Measure(mb, rows, skiaAlone)).ToList();
    }

    private static object Measure(int mb, byte[][] rows, bool skiaAlone)
    {
        var text = new byte[mb << 20];
        "XML:com.adobe.xmp\0\0\0\0\0"u8.CopyTo(text);
        Array.Fill(text, (byte)'x', 22, text.Length - 22);
        var cases = new Dictionary<string, byte[]>
        {
            ["iTXt before IDAT"] = PngBytes.Write(32, 32, 8, 6, rows, before: [("iTXt", text)]),
            ["iTXt after IDAT"] = PngBytes.Write(32, 32, 8, 6, rows, after: [("iTXt", text)]),
            ["private chunk (prVt) before IDAT"] = PngBytes.Write(32, 32, 8, 6, rows, before: [("prVt", text)]),
        };
        return new
        {
            chunk_mb = mb,
            cases = cases.Select(c => new
            {
                input = c.Key,
                file_bytes = c.Value.Length,
                decode_ms = Milliseconds(() => ImageDecoder.Decode(c.Value, "bench")),
                skia_create_ms = skiaAlone ? Milliseconds(() => SkiaCodec(c.Value, pixels: false)) : (double?)null,
                skia_create_and_pixels_ms = skiaAlone ? Milliseconds(() => SkiaCodec(c.Value, pixels: true)) : (double?)null,
            }).ToList(),
        };
    }

    private static double Milliseconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        Console.Error.WriteLine($"png-text: {clock.Elapsed.TotalMilliseconds:F1} ms");
        return Math.Round(clock.Elapsed.TotalMilliseconds, 2);
    }

    /// <summary>SkiaSharp's codec on the whole file, as <see cref="ImageDecoder"/> used it before issue 23.</summary>
    private static void SkiaCodec(byte[] png, bool pixels)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(png)) ?? throw new InvalidOperationException("no codec");
        if (pixels && codec.GetPixels(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Unpremul), out _) != SKCodecResult.Success)
            throw new InvalidOperationException("not decoded");
    }
}
