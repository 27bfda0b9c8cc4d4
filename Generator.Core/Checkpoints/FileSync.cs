using System.Runtime.InteropServices;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// Forces written data to stable storage, so a power cut after a rename cannot leave a renamed but empty
/// file: the file's content before the rename, the directory entry after it. .NET has no API to flush a
/// directory (it refuses to open one), so on Unix this calls libc's open/fsync/close directly.
/// </summary>
public static class FileSync
{
    /// <summary>Flushes the content of the file at <paramref name="path"/> to disk (fsync).</summary>
    public static void File(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Flushes every file directly in <paramref name="directory"/>, then the directory itself.</summary>
    public static void FilesAndDirectory(string directory)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(directory)) File(file);
        Directory(directory);
    }

    /// <summary>
    /// Flushes the entries of <paramref name="directory"/> (names created, renamed or removed in it) to disk.
    /// A no-op on Windows, where NTFS journals renames and no directory flush exists.
    /// </summary>
    public static void Directory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, 0 /* O_RDONLY: works for directories on Linux and macOS */);
        if (fd < 0) throw new IOException($"cannot open '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"cannot flush '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
