using System.Text;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Corpus;

namespace VaeCreative.Tests.Text.Corpus;

public class TextCorpusTests
{
    private const string Fortunes =
        "A tattered banner\n\tflaps over the gate.\n%\nThe first line of a poem\n  and its second line,\n\t\t-- Somebody\n%\n%\n  \n%\nLast one, no trailing separator";

    private static TextCorpus Load(string path, double fraction = 0, int maxChars = 400) => TextCorpus.Load(path, fraction, maxChars, _ => { });

    [Fact]
    public void A_fortune_file_gives_one_snippet_per_record_with_its_line_wraps_joined()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("lines"), Fortunes);
        var corpus = Load(dir.File("lines"));
        Assert.Equal(["A tattered banner flaps over the gate.", "The first line of a poem and its second line, -- Somebody", "Last one, no trailing separator"], corpus.Train);
        Assert.Equal(TextFormat.Fortune, Assert.Single(corpus.Files).Format);
    }

    [Fact]
    public void Windows_line_ends_read_the_same()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("crlf"), Fortunes.Replace("\n", "\r\n"));
        File.WriteAllText(dir.File("lf"), Fortunes);
        Assert.Equal(Load(dir.File("lf")).Train, Load(dir.File("crlf")).Train);
    }

    [Fact]
    public void A_plain_file_gives_one_snippet_per_non_empty_line()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("plain.txt"), "\uFEFFFirst line.\r\n\r\n   \n  Second, with spaces around.  \nThird: 50% off\n%not a separator\n");
        var corpus = Load(dir.File("plain.txt"));
        Assert.Equal(["First line.", "Second, with spaces around.", "Third: 50% off", "%not a separator"], corpus.Train);
        Assert.Equal(TextFormat.Plain, Assert.Single(corpus.Files).Format);
    }

    [Fact]
    public void Snippets_are_NFC_and_long_ones_are_cut_at_sentence_ends()
    {
        using var dir = new TempDir();
        var longLine = string.Join(' ', Enumerable.Range(1, 30).Select(i => $"Sentence number {i} is here."));
        File.WriteAllText(dir.File("t.txt"), "cafe\u0301\n" + longLine + "\n");
        var corpus = Load(dir.File("t.txt"), maxChars: 100);
        Assert.Equal("caf\u00E9", corpus.Train[0]);
        Assert.All(corpus.Train, s => Assert.InRange(s.Length, 1, 100));
        Assert.All(corpus.Train.Skip(1), s => Assert.EndsWith(".", s));
        Assert.Equal(1, corpus.SplitSnippets);
        Assert.Equal(longLine, string.Join(' ', corpus.Train.Skip(1)));
    }

    [Fact]
    public void A_folder_like_Debians_fortunes_is_read_once_per_text_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("art"), "One.\n%\nTwo.\n");
        File.WriteAllBytes(dir.File("art.dat"), [0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0, (byte)'%', 0, 0, 0]);
        File.CreateSymbolicLink(dir.File("art.u8"), "art");
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(Path.Combine(dir.File("sub"), "more.txt"), "Three.\nFour.\n");
        File.WriteAllBytes(dir.File("latin1.txt"), Encoding.Latin1.GetBytes("na\u00EFve\n"));
        File.WriteAllBytes(dir.File("image.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 13]);
        File.WriteAllBytes(dir.File("orphan.dat"), [0, 1, 2]); // no text beside it: read, and refused as binary
        Directory.CreateDirectory(dir.File(".git"));
        File.WriteAllText(Path.Combine(dir.File(".git"), "HEAD"), "ref: refs/heads/main\n");
        Directory.CreateSymbolicLink(dir.File("loop"), dir.Path);

        var log = new List<string>();
        var corpus = TextCorpus.Load(dir.Path, 0, 400, log.Add);
        Assert.Equal(["One.", "Two.", "Three.", "Four."], corpus.Train);
        // The expected entries of such a folder (indexes, links, hidden) are not logged one by one; the others are.
        Assert.Equal(["image.png", "latin1.txt", "orphan.dat"], log.Where(l => l.StartsWith("skipped ")).Select(l => Path.GetFileName(l["skipped ".Length..l.IndexOf(": ")])).Order(StringComparer.Ordinal));
        Assert.Equal(["art", "sub/more.txt"], corpus.Files.Select(f => Path.GetRelativePath(dir.Path, f.Path).Replace('\\', '/')));
        var skipped = corpus.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Equal("a fortune index (strfile's .dat beside its text file)", skipped["art.dat"]);
        Assert.Equal("a symbolic link (not followed)", skipped["art.u8"]);
        Assert.Equal("a symbolic link (not followed)", skipped["loop"]);
        Assert.Equal("a hidden folder", skipped[".git"]);
        Assert.Equal("'latin1.txt' is not valid UTF-8: invalid byte 0xEF at byte offset 2; save it as UTF-8.", skipped["latin1.txt"]);
        Assert.Equal("not text (a NUL byte at offset 4)", skipped["image.png"]);
        Assert.Equal("not text (a NUL byte at offset 0)", skipped["orphan.dat"]);
        Assert.Equal(7, corpus.Skipped.Count);
    }

    [Fact]
    public void The_hold_out_is_a_stable_hash_of_the_snippet_so_copies_land_together()
    {
        // FNV-1a-32 over UTF-16 code units (computed apart, in Python): "a" → 0xE40C292C, mod 10000 = 2,220 (held out at
        // 30%, not at 20%); "b" → 0xE70C2DE5, mod 10000 = 5,077.
        Assert.True(TextCorpus.IsHeldOut("a", 0.3));
        Assert.False(TextCorpus.IsHeldOut("a", 0.2));
        Assert.False(TextCorpus.IsHeldOut("b", 0.5));
        Assert.True(TextCorpus.IsHeldOut("b", 0.51));
        Assert.False(TextCorpus.IsHeldOut("a", 0));

        using var dir = new TempDir();
        var lines = Enumerable.Range(0, 5_000).Select(i => $"Snippet number {i}.").ToList();
        File.WriteAllLines(dir.File("a.txt"), lines.Concat(lines.Take(500)));
        var corpus = Load(dir.File("a.txt"), fraction: 0.1);
        Assert.InRange(corpus.Validation.Count / 5_500.0, 0.08, 0.12);
        Assert.Empty(corpus.Train.Intersect(corpus.Validation));
        Assert.Equal(corpus.Validation, Load(dir.File("a.txt"), fraction: 0.1).Validation);
    }

    [Fact]
    public void Describe_lists_files_counts_split_rule_and_skipped()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("one"), "Alpha.\n%\nBeta.\n%\nGamma.\n");
        File.WriteAllBytes(dir.File("bad.txt"), [0xFF]);
        var corpus = TextCorpus.Load(dir.Path, 0.5, 400, _ => { });
        var json = corpus.Describe();
        Assert.Equal(dir.Path, (string)json["source"]!);
        Assert.Equal("one", (string)json["files"]![0]!["path"]!);
        Assert.Equal("fortune", (string)json["files"]![0]!["format"]!);
        Assert.Equal(3, (int)json["files"]![0]!["snippets"]!);
        Assert.Equal(corpus.Train.Count, (int)json["snippets"]!["train"]!);
        Assert.Equal(corpus.Validation.Count, (int)json["snippets"]!["validation"]!);
        Assert.Equal(TextCorpus.SplitRule, (string)json["split"]!);
        Assert.Equal("bad.txt", (string)json["skipped"]![0]!["path"]!);
        Assert.Contains("1 fortune", corpus.Summary);
        Assert.Contains("1 files skipped", corpus.Summary);
    }

    [Fact]
    public void Nothing_usable_missing_paths_and_implausible_folders_are_TrainingDataException()
    {
        using var dir = new TempDir();
        Assert.Contains("does not exist", Assert.Throws<TrainingDataException>(() => Load(dir.File("none"))).Message);
        Assert.Contains("holds no files", Assert.Throws<TrainingDataException>(() => Load(dir.Path)).Message);
        File.WriteAllBytes(dir.File("bin"), [1, 0, 2]);
        Assert.Contains("none of its 1 files is UTF-8 text", Assert.Throws<TrainingDataException>(() => Load(dir.Path)).Message);
        File.WriteAllText(dir.File("blank.txt"), "\n  \n%\n%\n");
        Assert.Contains("no text snippets", Assert.Throws<TrainingDataException>(() => Load(dir.Path)).Message);
        Assert.Contains("the root of a file system", Assert.Throws<TrainingDataException>(() => Load(Path.GetPathRoot(dir.Path)!)).Message);
    }

    [Fact]
    public void Arguments_outside_their_ranges_are_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.txt"), "x\n");
        Assert.Throws<ArgumentOutOfRangeException>(() => Load(dir.File("a.txt"), fraction: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Load(dir.File("a.txt"), fraction: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Load(dir.File("a.txt"), maxChars: TextCorpus.MinSnippetChars - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Load(dir.File("a.txt"), maxChars: 4_097));
    }

    [Fact]
    public void Listing_stops_at_the_file_and_entry_limits()
    {
        using var dir = new TempDir();
        for (var i = 0; i < 5; i++) File.WriteAllText(dir.File($"f{i}.txt"), "x\n");
        Assert.Equal(5, TextCorpus.List(dir.Path, 5, 10, []).Count);
        Assert.Contains("more than 4 files", Assert.Throws<TrainingDataException>(() => TextCorpus.List(dir.Path, 4, 10, [])).Message);
        Assert.Contains("more than 3 files and folders", Assert.Throws<TrainingDataException>(() => TextCorpus.List(dir.Path, 10, 3, [])).Message);
    }
}
