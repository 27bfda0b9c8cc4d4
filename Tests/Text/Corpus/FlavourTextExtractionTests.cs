using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Text.Corpus;

/// <summary>
/// scripts/extract-flavour-text.py on a tiny tree that mimics the Debian packages' real paths (run with --root): what
/// it extracts and strips, the guard that keeps Crawl's text unread, the held-out split by file hash, byte-identical
/// reruns and sources.json's counts.
/// </summary>
public class FlavourTextExtractionTests
{
    private static string Script => Path.Combine(RepoPaths.Root, "scripts", "extract-flavour-text.py");

    private const string CrawlSentence = "The crawl sentinel stares back at you.";

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        Python.RunFile(Script, TimeSpan.FromSeconds(30), args);

    private static void Write(string root, string path, string text)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text.Replace("\r\n", "\n"));
    }

    private static string Stanza(string package, string version, string description) =>
        $"Package: {package}\nStatus: install ok installed\nVersion: {version}\nDescription: {description}\n\n";

    /// <summary>The fixture tree: one small file per source in its real place, a crawl folder and a fortune file of another package.</summary>
    private static void BuildTree(string root)
    {
        Write(root, "var/lib/dpkg/status",
            Stanza("angband", "1:4.2.5-1", "roguelike\n A dungeon game.") +
            Stanza("cataclysm-dda-data", "0.F-3-9", "data\n Game data.") +
            Stanza("crawl-common", "2:0.28-1", "Dungeon Crawl data\n Its text is never read.") +
            Stanza("fortunes", "1:1.99.1-7.3", "fortune cookies\n Data files containing fortune cookies. There are over 15000 of them.\n .\n  verbatim line") +
            Stanza("freeciv-data", "3.0.6-1", "strategy\n Civilization turn based strategy game.") +
            Stanza("hello", "2.10-3", "example package based on GNU hello\n The GNU hello program produces a familiar, friendly greeting. It allows non-programmers to use a classic computer science tool.") +
            Stanza("wesnoth-1.16-data", "1:1.16.9-1", "data files\n Data for a fantasy strategy game."));
        Write(root, "var/lib/dpkg/info/fortunes.list",
            "/.\n/usr/share/games/fortunes\n/usr/share/games/fortunes/wisdom\n/usr/share/games/fortunes/wisdom.dat\n" +
            "/usr/share/games/fortunes/sayings\n/usr/share/games/fortunes/crawl-quotes\n");
        Write(root, "usr/share/doc/fortunes/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: BSD-4-clause\n");
        Write(root, "usr/share/doc/wesnoth-1.16-data/copyright", "Copyright (C) 2003 David White\nThis program is free software; you can redistribute it under the GNU General Public License.\n");

        Write(root, "usr/share/games/wesnoth/1.16/data/core/units/undead/Ghost.cfg", """
            #textdomain wesnoth-units
            [unit_type]
                id=Ghost
                name= _ "Ghost"
                description= _ "A <i>ghost</i> drifts through the ""old"" walls of the keep. It feels no pain.

            <span color='#ff0000'>Beware</span> its wail at night." + _ " It never sleeps."
                [attack]
                    description= _ "wail"
                [/attack]
                [message]
                    message= _ "female^We must hold the bridge until dawn!"
                [/message]
                # message= _ "A commented-out line is not read."
                [message]
                    message= _ "You gain {GOLD_AMOUNT} pieces." + {MACRO_TEXT}
                [/message]
            [/unit_type]
            """);
        Write(root, "usr/share/games/cataclysm-dda/json/items/tools.json", """
            [
              { "type": "TOOL", "id": "lantern", "name": { "str": "lantern" }, "description": "An old oil lantern, dented but working.  It smells of kerosene." },
              { "type": "GENERIC", "id": "button", "description": { "str": "A strange button.  The <color_red>red</color> light on it glows softly." } },
              { "type": "GENERIC", "id": "pseudo_fire", "flags": [ "PSEUDO" ], "description": "This is a pseudo item for crafting." },
              { "type": "recipe", "result": "lantern", "description": "A recipe is not an item description at all." }
            ]
            """);
        Write(root, "usr/share/games/freeciv/helpdata.txt", """
            [help_overview]
            name = _("?help:Overview")
            text = _("\
            Freeciv is a turn-based strategy game, in which each player becomes \
            the leader of a civilization.\
            "), _("\
            Cities grow when their granary fills.\n\nRivers give \"free\" trade.\
            ")
            """);
        Write(root, "usr/share/angband/gamedata/monster.txt", """
            name:Scruffy little dog
            depth:1
            desc:A thin flea-ridden mutt, growling as you get
            desc: close.
            name:Grip, Farmer Maggot's Dog
            desc:A rather vicious dog belonging to Farmer Maggot.
            """);
        Write(root, "usr/share/games/fortunes/wisdom", "A wise traveller\n  never trusts a smiling troll.\n\t\t-- Old saying\n%\nGold glitters; iron serves.\n%\n");
        Write(root, "usr/share/games/fortunes/sayings", "The dragon sleeps on a bed of stolen coins.\n%\nSee https://example.org for more.\n%\n");
        // fortune-anarchism's file sits in the same folder but is not the fortunes package's: never read.
        Write(root, "usr/share/games/fortunes/anarchism", "An anarchist fortune that must not be read.\n%\n");
        // Crawl's text: never read, not even through a link in a source folder listed by a package.
        Write(root, "usr/share/crawl/dat/descript/monsters.txt", CrawlSentence + "\n%\n");
        File.CreateSymbolicLink(Path.Combine(root, "usr/share/games/fortunes/crawl-quotes"), "../../crawl/dat/descript/monsters.txt");
        Directory.CreateSymbolicLink(Path.Combine(root, "usr/share/games/cataclysm-dda/json/crawl"), "../../../crawl/dat");
    }

    private static string[] Lines(string path) => File.ReadAllLines(path, Encoding.UTF8);

    private static bool HeldOutByHash(string package, string relative)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{package}/{relative}"));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest) % 1000 < 100;
    }

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void Extracts_clean_sentences_splits_by_file_hash_never_reads_crawl_and_reruns_byte_identical()
    {
        using var dir = new TempDir();
        var root = dir.File("root");
        var out_ = dir.File("out");
        var log = dir.File("reads.txt");
        BuildTree(root);

        var (code, stdout, stderr) = Run("--out", out_, "--root", root, "--read-log", log);
        Assert.True(code == 0, stderr);
        Assert.Contains("nethack-common", stdout); // reported as skipped, not fatal
        Assert.Contains("skipped", stdout);

        var wesnoth = Lines(Path.Combine(out_, "train", "wesnoth-1.16-data.txt"));
        Assert.Equal(["A ghost drifts through the \"old\" walls of the keep.", "It feels no pain.", "Beware its wail at night.",
                      "It never sleeps.", "We must hold the bridge until dawn!"], wesnoth);

        var cataclysm = Lines(Path.Combine(out_, "train", "cataclysm-dda-data.txt"));
        Assert.Equal(["An old oil lantern, dented but working.", "It smells of kerosene.", "A strange button.", "The red light on it glows softly."], cataclysm);

        Assert.Equal(["Freeciv is a turn-based strategy game, in which each player becomes the leader of a civilization.",
                      "Cities grow when their granary fills.", "Rivers give \"free\" trade."], Lines(Path.Combine(out_, "train", "freeciv-data.txt")));
        Assert.Equal(["A thin flea-ridden mutt, growling as you get close.", "A rather vicious dog belonging to Farmer Maggot."],
            Lines(Path.Combine(out_, "train", "angband.txt")));

        // Held-out follows sha256("package/relative path"): wisdom lands in train, sayings in held-out.
        Assert.False(HeldOutByHash("fortunes", "wisdom"));
        Assert.True(HeldOutByHash("fortunes", "sayings"));
        Assert.Equal(["A wise traveller never trusts a smiling troll.", "Gold glitters; iron serves."], Lines(Path.Combine(out_, "train", "fortunes.txt")));
        Assert.Equal(["The dragon sleeps on a bed of stolen coins."], Lines(Path.Combine(out_, "heldout", "fortunes.txt")));

        // Nothing of Crawl's, nor of another fortune package, is read or written.
        var reads = Lines(log);
        Assert.Contains("/usr/share/games/fortunes/wisdom", reads);
        Assert.DoesNotContain(reads, r => r.Contains("crawl") || r.Contains("anarchism"));
        var all = Snapshot(out_);
        foreach (var (name, bytes) in all)
        {
            var text = Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("crawl sentinel", text);
            Assert.DoesNotContain("anarchist", text);
            if (name.EndsWith(".txt")) Assert.DoesNotMatch("[<>{}]|\"\"", text);
        }

        var unlike = Lines(Path.Combine(out_, "unlike", "debian-descriptions.txt"));
        Assert.Contains("The GNU hello program produces a familiar, friendly greeting.", unlike);
        Assert.DoesNotContain(unlike, l => l.Contains("never read") || l.Contains("verbatim"));

        // sources.json: every file read with its split and count; the counts add up to the output files' lines.
        using var sources = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(out_, "sources.json")));
        var packages = sources.RootElement.GetProperty("packages");
        Assert.False(packages.TryGetProperty("crawl-common", out _));
        Assert.Equal("1:1.99.1-7.3", packages.GetProperty("fortunes").GetProperty("version").GetString());
        Assert.Equal("BSD-4-clause", Assert.Single(packages.GetProperty("fortunes").GetProperty("licenses").EnumerateArray()).GetString());
        Assert.Contains("nethack-common", sources.RootElement.GetProperty("skipped").EnumerateArray().Select(e => e.GetString()));
        var total = 0;
        foreach (var package in packages.EnumerateObject())
            foreach (var split in new[] { "train", "heldout" })
            {
                var files = package.Value.GetProperty("files").EnumerateArray().ToList();
                foreach (var f in files)
                    Assert.Equal(HeldOutByHash(package.Name, f.GetProperty("path").GetString()!), f.GetProperty("split").GetString() == "heldout");
                var counted = files.Where(f => f.GetProperty("split").GetString() == split).Sum(f => f.GetProperty("sentences").GetInt32());
                var lines = Lines(Path.Combine(out_, split, package.Name + ".txt")).Length;
                Assert.Equal(lines, counted);
                Assert.Equal(lines, package.Value.GetProperty("totals").GetProperty(split).GetInt32());
                total += lines;
            }
        var totals = sources.RootElement.GetProperty("totals");
        Assert.Equal(total, totals.GetProperty("train").GetInt32() + totals.GetProperty("heldout").GetInt32());

        // The same inputs give the same bytes.
        var second = dir.File("out2");
        Assert.Equal(0, Run("--out", second, "--root", root, "--quiet").Code);
        var again = Snapshot(second);
        Assert.Equal(all.Keys.Order(), again.Keys.Order());
        foreach (var (name, bytes) in all) Assert.True(bytes.AsSpan().SequenceEqual(again[name]), name + " differs on a second run");
    }

    [Fact]
    public void Refuses_a_missing_out_an_out_inside_the_repository_and_a_root_without_sources()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = Run("--root", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("--out", stderr);

        (code, _, stderr) = Run("--out", Path.Combine(RepoPaths.Root, "flavour-text"), "--root", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("inside the repository", stderr);
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Root, "flavour-text")));

        Write(dir.Path, "var/lib/dpkg/status", Stanza("hello", "2.10-3", "greeting\n Says hello."));
        (code, _, stderr) = Run("--out", dir.File("out"), "--root", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("none of the source packages is installed", stderr);
    }
}
