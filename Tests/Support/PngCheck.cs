using System.Diagnostics;

namespace VaeCreative.Tests.Support;

/// <summary>Opens PNG files with Pillow, an independent decoder, through /usr/bin/python3.</summary>
public static class PngCheck
{
    /// <summary>The (width, height) Pillow decodes from <paramref name="path"/>; null when python3 with Pillow is not installed.</summary>
    public static (int Width, int Height)? Size(string path)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) return null;
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        // load() decodes every row, so a truncated or corrupt image fails here rather than only its header being read.
        start.ArgumentList.Add("import sys\ntry:\n    from PIL import Image\nexcept ImportError:\n    sys.exit(3)\nim = Image.open(sys.argv[1])\nim.load()\nprint(im.format, im.size[0], im.size[1])\n");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 3) return null;
        Assert.True(process.ExitCode == 0, $"Pillow could not open {path}: {error}");
        var parts = output.Trim().Split(' ');
        Assert.Equal("PNG", parts[0]);
        return (int.Parse(parts[1]), int.Parse(parts[2]));
    }

    /// <summary>Asserts that <paramref name="path"/> is a PNG of the given size (by its header, and by Pillow when installed; CI insists on Pillow).</summary>
    public static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        var size = Size(path);
        if (size is null) Assert.False(Cli.InCi, "python3-pil must be installed in CI");
        else Assert.Equal((width, height), size.Value);
    }
}
