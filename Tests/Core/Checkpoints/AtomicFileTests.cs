using System.Diagnostics;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Checkpoints;

public class AtomicFileTests
{
    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary()
    {
        using var dir = new TempDir();
        var path = dir.File("a.json");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_failed_write_keeps_the_old_file_and_removes_its_temporary()
    {
        using var dir = new TempDir();
        var path = dir.File("a.json");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Stale_temporaries_are_those_of_dead_processes_and_this_one_only()
    {
        using var dir = new TempDir();
        using var live = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var guid = Guid.NewGuid().ToString("N");
            var dead = DeadPid();
            var ofDead = dir.File($".model.weights.{dead}.{guid}.tmp");
            var ofThis = dir.File($".run.json.{Environment.ProcessId}.{guid}.tmp");
            var folderOfDead = dir.File($".checkpoint.{dead}.{guid}.tmp");
            var ofLive = dir.File($".manifest.json.{live.Id}.{guid}.tmp");
            string[] notOurs = [dir.File(".model.weights.tmp"), dir.File($".x.{dead}.nothex.tmp"), dir.File($"x.{dead}.{guid}.tmp"), dir.File("notes.tmp")];
            foreach (var f in new[] { ofDead, ofThis, ofLive }.Concat(notOurs)) File.WriteAllText(f, "");
            Directory.CreateDirectory(folderOfDead);
            File.WriteAllText(Path.Combine(folderOfDead, "model.weights"), "");

            Assert.Equal(3, AtomicFile.RemoveStaleTemporaries(dir.Path));
            Assert.Equal(notOurs.Append(ofLive).Order(), Directory.GetFileSystemEntries(dir.Path).Order());
        }
        finally
        {
            live.Kill();
            live.WaitForExit();
        }
    }

    [Fact]
    public void Temporary_names_have_the_shape_the_cleaner_recognises()
    {
        using var dir = new TempDir();
        var temp = AtomicFile.TemporaryPath(dir.File("manifest.json"));
        Assert.Matches($@"^\.manifest\.json\.{Environment.ProcessId}\.[0-9a-f]{{32}}\.tmp$", Path.GetFileName(temp));
        File.WriteAllText(temp, "");
        Assert.Equal(1, AtomicFile.RemoveStaleTemporaries(dir.Path));
    }

    [Fact]
    public void Directories_can_be_flushed_and_a_missing_one_is_an_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a"), "x");
        FileSync.FilesAndDirectory(dir.Path);
        if (!OperatingSystem.IsWindows())
            Assert.Throws<IOException>(() => FileSync.Directory(dir.File("missing")));
    }

    internal static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        var pid = p.Id;
        p.WaitForExit();
        return pid;
    }
}
