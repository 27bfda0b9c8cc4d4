using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Image.Corpus;

/// <summary>
/// scripts/extract-sprites.py on a tiny tree in the Debian packages' real places (run with --root): packed sheets cut
/// into their connected shapes, grid sheets into cells, sprite files kept whole up to the size limit, clear, flat and
/// repeated sprites left out, the held-out split by file hash, byte-identical reruns, and the guard that keeps the
/// packages reserved for independent checks unread.
/// </summary>
public class SpriteExtractionTests
{
    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "extract-sprites.py");

    private static (int Code, string Stderr) Run(params string[] args)
    {
        var (code, _, stderr) = Python.RunFile(Script, TimeSpan.FromSeconds(60), args);
        return (code, stderr);
    }

    /// <summary>An image of <paramref name="width"/> × <paramref name="height"/>, clear but for the given filled rectangles.</summary>
    private static RgbaImage Image(int width, int height, params (int X, int Y, int W, int H, byte R, byte G, byte B)[] boxes)
    {
        var rgba = new byte[width * height * 4];
        foreach (var (x0, y0, w, h, r, g, b) in boxes)
            for (var y = y0; y < y0 + h; y++)
                for (var x = x0; x < x0 + w; x++)
                    (rgba[(y * width + x) * 4], rgba[(y * width + x) * 4 + 1], rgba[(y * width + x) * 4 + 2], rgba[(y * width + x) * 4 + 3]) =
                        ((byte)(r + (x + y) % 2 * 40), g, b, 255); // a checker of two shades: not one flat colour
        return new RgbaImage(width, height, rgba);
    }

    private static void Write(string root, string path, byte[] bytes)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    private static void BuildTree(string root)
    {
        string Stanza(string p, string v) => $"Package: {p}\nStatus: install ok installed\nVersion: {v}\n\n";
        Write(root, "var/lib/dpkg/status", Encoding.UTF8.GetBytes(
            Stanza("crawl-tiles-data", "2:0.28.0-1.1") + Stanza("cataclysm-dda-data", "0.F-3-9") + Stanza("supertux-data", "0.6.3-2") + Stanza("freedroid-data", "1.0-1")));
        Write(root, "usr/share/doc/cataclysm-dda-data/copyright", Encoding.UTF8.GetBytes("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: CC-BY-SA-3.0\n"));
        Write(root, "usr/share/doc/crawl-tiles-data/copyright", Encoding.UTF8.GetBytes("Tiles: Public Domain|CC0.\nSee /usr/share/common-licenses/GPL-2.\n"));
        // A packed sheet: two separate shapes and a speck; the floor sheet: a textured cell and a flat one.
        Write(root, "usr/share/crawl/dat/tiles/main.png", ImageEncoder.Png(Image(40, 20, (2, 2, 5, 6, 200, 0, 0), (20, 5, 8, 8, 0, 0, 200), (35, 15, 2, 2, 0, 200, 0))));
        var floor = Image(64, 32, (0, 0, 32, 32, 90, 90, 90));
        for (var p = 32 * 4; p < floor.Rgba.Length; p += 4)
            if (p / 4 % 64 >= 32) (floor.Rgba[p], floor.Rgba[p + 1], floor.Rgba[p + 2], floor.Rgba[p + 3]) = (10, 20, 30, 255);
        Write(root, "usr/share/crawl/dat/tiles/floor.png", ImageEncoder.Png(floor));
        // A tileset of 16 × 16 cells: a sprite, then the same sprite again (a repeat); its fallback glyphs are not read.
        var cell = Image(16, 16, (4, 4, 8, 8, 0, 150, 0));
        var sheet = new RgbaImage(32, 16, new byte[32 * 16 * 4]);
        for (var y = 0; y < 16; y++)
            for (var half = 0; half < 2; half++)
                Array.Copy(cell.Rgba, y * 16 * 4, sheet.Rgba, (y * 32 + half * 16) * 4, 16 * 4);
        Write(root, "usr/share/games/cataclysm-dda/gfx/Test/tiles.png", ImageEncoder.Png(sheet));
        Write(root, "usr/share/games/cataclysm-dda/gfx/Test/fallback.png", ImageEncoder.Png(Image(16, 16, (0, 0, 16, 16, 1, 2, 3))));
        Write(root, "usr/share/games/cataclysm-dda/gfx/Test/tile_config.json", Encoding.UTF8.GetBytes(
            """{"tile_info": [{"width": 16, "height": 16}], "tiles-new": [{"file": "tiles.png"}, {"file": "fallback.png"}]}"""));
        // Sprite files: one small enough, one too wide; and a link into a guarded package.
        Write(root, "usr/share/games/supertux2/images/creatures/snail.png", ImageEncoder.Png(Image(12, 10, (1, 1, 10, 8, 120, 60, 0))));
        Write(root, "usr/share/games/supertux2/images/objects/banner.png", ImageEncoder.Png(Image(100, 10, (0, 0, 100, 10, 50, 50, 50))));
        Write(root, "usr/share/games/freedroid/graphics/droid.png", ImageEncoder.Png(Image(10, 10, (0, 0, 10, 10, 7, 7, 7))));
        File.CreateSymbolicLink(Path.Combine(root, "usr/share/games/supertux2/images/objects/droid.png"), Path.Combine(root, "usr/share/games/freedroid/graphics/droid.png"));
    }

    private static bool HeldOut(string package, string path) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{package}/{path}"))) % 1000 < 100;

    [Fact]
    public void Sheets_are_cut_into_sprites_and_the_rest_left_out_as_the_rules_say()
    {
        using var temp = new TempDir();
        var root = Path.Combine(temp.Path, "root");
        BuildTree(root);
        var (code, stderr) = Run("--out", Path.Combine(temp.Path, "out"), "--root", root, "--quiet");
        Assert.True(code == 0, stderr);
        using var sources = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "out", "sources.json")));
        var packages = sources.RootElement.GetProperty("packages");
        int Sprites(string package, string path) => packages.GetProperty(package).GetProperty("files").EnumerateArray()
            .Single(f => f.GetProperty("path").GetString() == path).GetProperty("sprites").GetInt32();
        Assert.Equal(2, Sprites("crawl-tiles-data", "/usr/share/crawl/dat/tiles/main.png")); // the speck is too small
        Assert.Equal(1, Sprites("crawl-tiles-data", "/usr/share/crawl/dat/tiles/floor.png")); // the flat cell is left out
        Assert.Equal(1, Sprites("cataclysm-dda-data", "/usr/share/games/cataclysm-dda/gfx/Test/tiles.png")); // the repeat is left out
        Assert.Equal(1, Sprites("supertux-data", "/usr/share/games/supertux2/images/creatures/snail.png"));
        Assert.Equal(0, Sprites("supertux-data", "/usr/share/games/supertux2/images/objects/banner.png")); // wider than 72
        var files = packages.EnumerateObject().SelectMany(p => p.Value.GetProperty("files").EnumerateArray().Select(f => (Package: p.Name, Path: f.GetProperty("path").GetString()!, Split: f.GetProperty("split").GetString()!))).ToList();
        Assert.DoesNotContain(files, f => f.Path.Contains("fallback") || f.Path.Contains("droid"));
        Assert.All(files, f => Assert.Equal(HeldOut(f.Package, f.Path) ? "heldout" : "train", f.Split));
        Assert.Equal(["CC-BY-SA-3.0"], packages.GetProperty("cataclysm-dda-data").GetProperty("licenses").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("named in prose: CC0, GPL-2, public domain", packages.GetProperty("crawl-tiles-data").GetProperty("licenses")[0].GetString());
        Assert.Equal("not installed", sources.RootElement.GetProperty("skipped").GetProperty("hedgewars-data").GetString());
        // The outputs: RGBA PNGs, the crawl shapes cropped to their bounds.
        var written = Directory.GetFiles(Path.Combine(temp.Path, "out"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(5, written.Count);
        var crawl = written.Where(w => w.Contains("main-", StringComparison.Ordinal)).Select(w => ImageDecoder.Decode(File.ReadAllBytes(w), w)).ToList();
        Assert.Equal([(5, 6), (8, 8)], crawl.Select(i => (i.Width, i.Height)));
    }

    [Fact]
    public void A_rerun_gives_the_same_bytes_and_an_existing_corpus_is_not_overwritten()
    {
        using var temp = new TempDir();
        var root = Path.Combine(temp.Path, "root");
        BuildTree(root);
        Assert.Equal(0, Run("--out", Path.Combine(temp.Path, "a"), "--root", root, "--quiet").Code);
        Assert.Equal(0, Run("--out", Path.Combine(temp.Path, "b"), "--root", root, "--quiet").Code);
        string[] Listing(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToArray();
        var a = Listing(Path.Combine(temp.Path, "a"));
        Assert.Equal(a, Listing(Path.Combine(temp.Path, "b")));
        foreach (var f in a) Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Path, "a", f)), File.ReadAllBytes(Path.Combine(temp.Path, "b", f)));
        var (code, stderr) = Run("--out", Path.Combine(temp.Path, "a"), "--root", root, "--quiet");
        Assert.NotEqual(0, code);
        Assert.Contains("already holds a corpus", stderr);
    }
}
