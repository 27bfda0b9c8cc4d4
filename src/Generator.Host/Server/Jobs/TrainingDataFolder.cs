namespace VaeCreative.Host.Server.Jobs;

/// <summary>
/// A cheap up-front check that a training job's data folder could be a corpus, so that <c>data: "/"</c> gets a 400 at
/// once instead of a job that scans the whole filesystem. The corpus loader still bounds what it reads.
/// </summary>
public static class TrainingDataFolder
{
    // Pseudo and device filesystems: nothing under them is a corpus, and reading them can block or never end.
    private static readonly string[] UnixPseudo = ["/proc", "/sys", "/dev", "/run"];

    // Folders that hold an operating system or every user's files.
    private static readonly string[] UnixSystem =
    [
        "/bin", "/boot", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/lost+found", "/media", "/mnt", "/opt", "/root",
        "/sbin", "/snap", "/srv", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/share", "/var", "/var/lib",
        "/Applications", "/Library", "/System", "/Users", "/Volumes", "/private",
    ];

    // Windows and macOS file systems ignore case by default.
    private static readonly StringComparison PathCase = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Why <paramref name="folder"/> (absolute, existing) is not a plausible corpus; null when it may be.</summary>
    public static string? Implausible(string folder)
    {
        foreach (var path in Candidates(folder))
        {
            if (Path.GetPathRoot(path) is { } root && Trim(root).Equals(path, PathCase)) return "is the root of a filesystem";
            if (path.Equals(Trim(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)), PathCase)) return "is a whole home folder";
            if (OperatingSystem.IsWindows())
            {
                foreach (var special in new[] { Environment.SpecialFolder.Windows, Environment.SpecialFolder.ProgramFiles, Environment.SpecialFolder.ProgramFilesX86 })
                    if (Environment.GetFolderPath(special) is { Length: > 0 } system && Within(path, Trim(system))) return "is a system folder";
                continue;
            }
            if (UnixPseudo.Any(p => Within(path, p))) return "is a system folder";
            if (UnixSystem.Any(p => p.Equals(path, PathCase))) return "is a system folder";
        }
        return null;
    }

    /// <summary>The folder as given and, when it is a link, what it points to.</summary>
    private static IEnumerable<string> Candidates(string folder)
    {
        var full = Trim(Path.GetFullPath(folder));
        yield return full;
        FileSystemInfo? target = null;
        try { target = new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true); }
        catch (IOException) { }
        if (target is not null) yield return Trim(Path.GetFullPath(target.FullName));
    }

    private static bool Within(string path, string folder) =>
        path.Equals(folder, PathCase) || path.StartsWith(folder + Path.DirectorySeparatorChar, PathCase);

    private static string Trim(string path) => path.Length > 1 && Path.GetPathRoot(path) != path ? path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : path;
}
