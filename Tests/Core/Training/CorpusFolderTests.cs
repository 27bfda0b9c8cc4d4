using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Training;

public class CorpusFolderTests
{
    private static CorpusListOptions Options(int maxFiles = 100, int maxEntries = 100) => new()
    {
        MaxFiles = maxFiles,
        MaxEntries = maxEntries,
        FilesNoun = "text files",
        TooManyEntriesHint = "pass a smaller folder.",
        Include = name => name.EndsWith(".txt", StringComparison.Ordinal),
        Skip = entry => entry.Name.StartsWith('.') ? "hidden" : null,
    };

    private static void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }

    [Fact]
    public void Files_come_in_ordinal_order_under_the_folder_as_given_with_skips_reported()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "b/z.txt", "a.txt", "B.txt", "b/a.txt", "notes.md", ".hidden/x.txt", ".y.txt" })
            Write(Path.Combine(dir.Path, name));
        var listing = CorpusFolder.List(dir.Path, Options());
        Assert.Equal(new[] { "B.txt", "a.txt", "b/a.txt", "b/z.txt" }, listing.Files.Select(f => Path.GetRelativePath(dir.Path, f).Replace('\\', '/')));
        Assert.Equal(new[] { ".hidden", ".y.txt" }, listing.Skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.All(listing.Skipped, s => Assert.Equal("hidden", s.Reason));
        Assert.Empty(listing.Unreadable);
    }

    [Fact]
    public void Folder_links_are_not_followed_and_the_limits_stop_the_walk()
    {
        using var dir = new TempDir();
        Write(Path.Combine(dir.Path, "one", "a.txt"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "one", "loop"), dir.Path);
        Assert.Single(CorpusFolder.List(dir.Path, Options()).Files);

        for (var i = 0; i < 5; i++) Write(Path.Combine(dir.Path, $"f{i}.txt"));
        var files = Assert.Throws<TrainingDataException>(() => CorpusFolder.List(dir.Path, Options(maxFiles: 3)));
        Assert.Equal($"'{dir.Path}' holds more than 3 text files, the most a training folder may hold; pass a subfolder.", files.Message);
        var entries = Assert.Throws<TrainingDataException>(() => CorpusFolder.List(dir.Path, Options(maxEntries: 4)));
        Assert.Equal($"'{dir.Path}' holds more than 4 files and folders; pass a smaller folder.", entries.Message);
        Assert.Throws<DirectoryNotFoundException>(() => CorpusFolder.List(Path.Combine(dir.Path, "missing"), Options()));
    }
}
