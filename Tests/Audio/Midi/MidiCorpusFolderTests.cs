using VaeCreative.Audio.Midi;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Midi;

public class MidiCorpusFolderTests
{
    [Theory]
    [InlineData("tune.mid", true)]
    [InlineData("TUNE.MIDI", true)]
    [InlineData("tune.kar", false)]
    [InlineData("mid", false)]
    public void Midi_files_are_told_by_their_extension_in_any_case(string name, bool midi) =>
        Assert.Equal(midi, MidiCorpusFolder.IsMidiFileName(name));

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
        for (var i = 0; i < 5; i++) TestMelodies.WriteSeedMidi(dir.File($"sub/t{i}.mid"));
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
        TestMelodies.WriteSeedMidi(dir.File("a/tune.mid"));
        Directory.CreateSymbolicLink(dir.File("a/loop"), dir.File("a"));
        Directory.CreateSymbolicLink(dir.File("a/up"), dir.Path);
        var files = MidiCorpusFolder.ListFiles(dir.Path);
        Assert.Equal(new[] { dir.File("a/tune.mid") }, files);
    }
}
