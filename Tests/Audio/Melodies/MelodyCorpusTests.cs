using VaeCreative.Core.Training;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Melodies;

public class MelodyCorpusTests
{
    private static void WriteMidi(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(RepoPaths.SeedMelody, path);
    }

    [Theory]
    [InlineData("/", "the root of a file system")]
    [InlineData("/proc", "a system folder (it holds the operating system's devices and processes)")]
    [InlineData("/proc/self", "a system folder (it holds the operating system's devices and processes)")]
    [InlineData("/sys", "a system folder (it holds the operating system's devices and processes)")]
    [InlineData("/dev", "a system folder (it holds the operating system's devices and processes)")]
    [InlineData("/usr", "a system folder")]
    [InlineData("/etc/", "a system folder")]
    public void System_folders_are_refused_before_listing(string folder, string what)
    {
        if (OperatingSystem.IsWindows()) return; // Unix paths; Windows refuses its own system folders by the same rule.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<TrainingDataException>(() => MelodyCorpus.Load(folder));
        Assert.Equal($"'{folder}' is {what}, not a folder of MIDI files; pass the folder that holds your .mid files.", e.Message);
        Assert.True(clock.ElapsedMilliseconds < 5_000, $"refusing {folder} took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_home_folder_and_links_to_the_root_are_refused()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Contains("is your home folder", Assert.Throws<TrainingDataException>(() => MidiCorpusFolder.ListFiles(home)).Message);
        using var dir = new TempDir();
        var link = dir.File("everything");
        Directory.CreateSymbolicLink(link, Path.GetPathRoot(dir.Path)!);
        Assert.Contains("is the root of a file system", Assert.Throws<TrainingDataException>(() => MidiCorpusFolder.ListFiles(link)).Message);
    }

    [Fact]
    public void Too_many_midi_files_or_entries_stop_the_listing_at_the_limit()
    {
        using var dir = new TempDir();
        for (var i = 0; i < 5; i++) WriteMidi(dir.File($"sub/t{i}.mid"));
        for (var i = 0; i < 5; i++) File.WriteAllText(dir.File($"notes{i}.txt"), "");
        Assert.Equal(5, MidiCorpusFolder.Scan(dir.Path, maxFiles: 5, maxEntries: 11).Files.Count);
        var files = Assert.Throws<TrainingDataException>(() => MidiCorpusFolder.Scan(dir.Path, maxFiles: 4, maxEntries: 100));
        Assert.Equal($"'{dir.Path}' holds more than 4 MIDI files, the most a training folder may hold; pass a subfolder.", files.Message);
        var entries = Assert.Throws<TrainingDataException>(() => MidiCorpusFolder.Scan(dir.Path, maxFiles: 100, maxEntries: 10));
        Assert.StartsWith($"'{dir.Path}' holds more than 10 files and folders;", entries.Message);
    }

    [Fact]
    public void Folder_links_are_not_followed_so_loops_end()
    {
        using var dir = new TempDir();
        WriteMidi(dir.File("a/tune.mid"));
        Directory.CreateSymbolicLink(dir.File("a/loop"), dir.File("a"));
        Directory.CreateSymbolicLink(dir.File("a/up"), dir.Path);
        var files = MidiCorpusFolder.ListFiles(dir.Path);
        Assert.Equal(new[] { dir.File("a/tune.mid") }, files);
    }

    [Fact]
    public void An_unreadable_subfolder_is_skipped_and_reported()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        WriteMidi(dir.File("ok/tune.mid"));
        WriteMidi(dir.File("locked/hidden.mid"));
        File.SetUnixFileMode(dir.File("locked"), UnixFileMode.None);
        try
        {
            var corpus = MelodyCorpus.Load(dir.Path);
            var readable = IsListable(dir.File("locked")); // root (CAP_DAC_READ_SEARCH) lists it anyway
            Assert.Equal(readable ? 2 : 1, corpus.Files.Count);
            Assert.Equal(readable ? [] : new[] { dir.File("locked") }, corpus.SkippedFolders);
        }
        finally { File.SetUnixFileMode(dir.File("locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }

    [Fact]
    public void A_length_bomb_in_a_corpus_is_a_failed_file_not_gigabytes()
    {
        using var dir = new TempDir();
        WriteMidi(dir.File("seed.mid"));
        // A note lasting 0x0FFFFFFF ticks at 1 tick per quarter: over a billion steps declared in 37 bytes.
        File.WriteAllBytes(dir.File("bomb.mid"), MidiBytes.File(0, 1, MidiBytes.Track(0x00, 0x90, 60, 80, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 60, 0)));
        var corpus = MelodyCorpus.Load(dir.Path, validationFraction: 0);
        Assert.Single(corpus.Files);
        var failure = Assert.Single(corpus.Failures);
        Assert.Equal(MidiReadFailure.TooLong, failure.Failure);
        Assert.Equal(dir.File("bomb.mid"), failure.Path);
    }

    private static bool IsListable(string folder)
    {
        try
        {
            Directory.EnumerateFileSystemEntries(folder).Count();
            return true;
        }
        catch (UnauthorizedAccessException) { return false; }
    }
}
