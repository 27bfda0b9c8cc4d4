namespace VaeCreative.Tests.Support;

/// <summary>Opens PNG files with Pillow, an independent decoder (<see cref="Python"/>; scripts/setup.sh --test-tools installs it).</summary>
public static class PngCheck
{
    /// <summary>The (width, height) Pillow decodes from <paramref name="path"/>.</summary>
    public static (int Width, int Height) Size(string path)
    {
        // load() decodes every row, so a truncated or corrupt image fails here rather than only its header being read.
        var parts = Python.Run("import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\nim.load()\nprint(im.format, im.size[0], im.size[1])\n", path)
            .Trim().Split(' ');
        Assert.Equal("PNG", parts[0]);
        return (int.Parse(parts[1]), int.Parse(parts[2]));
    }

    /// <summary>Asserts that <paramref name="path"/> is a PNG of the given size, by its header and by Pillow.</summary>
    public static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal((width, height), Size(path));
    }
}
