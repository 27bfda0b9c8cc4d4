using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Training;

public class TrainingDataFolderTests
{
    [Fact]
    public void System_folders_roots_homes_and_links_to_them_are_implausible_and_a_corpus_folder_is_not()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal("the root of a file system", TrainingDataFolder.Implausible("/"));
        foreach (var system in new[] { "/proc", "/proc/1", "/sys/kernel", "/dev" })
            Assert.Equal("a system folder (it holds the operating system's devices and processes)", TrainingDataFolder.Implausible(system));
        foreach (var system in new[] { "/etc", "/usr", "/usr/", "/var", "/tmp", "/home" })
            Assert.Equal("a system folder", TrainingDataFolder.Implausible(system));
        Assert.Equal("your home folder", TrainingDataFolder.Implausible(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));
        using var temp = new TempDir();
        var corpus = Directory.CreateDirectory(Path.Combine(temp.Path, "tunes")).FullName;
        Assert.Null(TrainingDataFolder.Implausible(corpus));
        var link = Path.Combine(temp.Path, "everything");
        Directory.CreateSymbolicLink(link, "/");
        try { Assert.Equal("the root of a file system", TrainingDataFolder.Implausible(link)); }
        finally { Directory.Delete(link); } // the link only, before the temp folder goes
    }
}
