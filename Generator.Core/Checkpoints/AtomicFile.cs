using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// Writes files so that readers see either the old content or the new, never half a file, also after a
/// power cut: the content is written to a temporary name beside the target and flushed, renamed over the
/// target, and the directory flushed. Temporary names are <c>.NAME.PID.GUID.tmp</c>; the ones a killed
/// process leaves are removed by <see cref="RemoveStaleTemporaries"/>.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> into a temporary file beside <paramref name="path"/>, then renames it over.</summary>
    public static void Write(string path, Action<string> write) => Write(path, write, overwrite: true);

    /// <summary>
    /// Writes <paramref name="bytes"/> atomically to <paramref name="path"/> unless a file is there already (then nothing
    /// is written, and the answer is false): for outputs that must never replace a user's file.
    /// </summary>
    public static bool TryWriteNew(string path, byte[] bytes)
    {
        if (File.Exists(path)) return false;
        try
        {
            Write(path, temp => File.WriteAllBytes(temp, bytes), overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path)) { return false; } // appeared meanwhile: theirs stays
    }

    private static void Write(string path, Action<string> write, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        Directory.CreateDirectory(dir);
        var temp = TemporaryPath(full);
        try
        {
            write(temp);
            CrashPoint.Reached(name + ":written");
            FileSync.File(temp); // also covers writers that do not flush themselves (TorchSharp's save)
            File.Move(temp, full, overwrite);
            CrashPoint.Reached(name + ":renamed");
            FileSync.Directory(dir);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> atomically (UTF-8).</summary>
    public static void WriteAllText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Writes <paramref name="bytes"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>A fresh temporary name (file or folder) beside <paramref name="path"/>, owned by this process.</summary>
    public static string TemporaryPath(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>
    /// Deletes the temporary files and folders in <paramref name="directory"/> (not below it) that writers of this
    /// class left behind when their process died; returns how many. A name is ours only when it has the exact
    /// <c>.NAME.PID.GUID.tmp</c> shape; it is stale when no process with that PID runs, or when the PID is this
    /// process's own (callers clean a directory before they write to it, and a container may give every run the
    /// same PID). A live PID of another process is left alone: it may be a run still writing.
    /// </summary>
    public static int RemoveStaleTemporaries(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, ".*.tmp"))
        {
            var match = TemporaryName().Match(Path.GetFileName(entry));
            if (!match.Success || !int.TryParse(match.Groups["pid"].ValueSpan, out var pid)) continue;
            if (pid != Environment.ProcessId && IsRunning(pid)) continue;
            try
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
                removed++;
            }
            catch (IOException) { } // gone already, or in use: the next run tries again
            catch (UnauthorizedAccessException) { }
        }
        if (removed > 0) FileSync.Directory(directory);
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (InvalidOperationException) { return false; }
    }

    [GeneratedRegex(@"^\.(?<name>.+)\.(?<pid>[0-9]{1,10})\.(?<guid>[0-9a-f]{32})\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();
}
