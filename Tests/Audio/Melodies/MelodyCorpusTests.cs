using VaeCreative.Core.Training;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Melodies;

public class MelodyCorpusTests
{
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
    public void An_unreadable_subfolder_is_skipped_and_reported()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        TestMelodies.WriteSeedMidi(dir.File("ok/tune.mid"));
        TestMelodies.WriteSeedMidi(dir.File("locked/hidden.mid"));
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
        TestMelodies.WriteSeedMidi(dir.File("seed.mid"));
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
