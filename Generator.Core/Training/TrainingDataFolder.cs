namespace VaeCreative.Core.Training;

/// <summary>
/// Whether a folder could be a training corpus at all: the root of a file system, a system folder and a whole home
/// folder are not (each holds a great many files, and pseudo file systems such as /proc can block or never end).
/// Checked up front by every corpus loader and by the host before it accepts a training job; the loaders still bound
/// what they list.
/// </summary>
public static class TrainingDataFolder
{
    /// <summary>Unix pseudo file systems: nothing under them is a corpus, and reading them can block or fail.</summary>
    private static readonly string[] PseudoFileSystems = OperatingSystem.IsWindows() ? [] : ["/proc", "/sys", "/dev", "/run"];

    /// <summary>
    /// System folders refused themselves; a corpus inside one (under /opt or /usr/share/…) is fine.
    /// </summary>
    private static readonly string[] UnixSystemFolders =
    [
        "/bin", "/boot", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/lost+found", "/media", "/mnt", "/opt", "/root",
        "/sbin", "/snap", "/srv", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/share", "/var", "/var/lib",
        "/Applications", "/Library", "/System", "/Users", "/Volumes", "/private",
    ];

    /// <summary>
    /// What <paramref name="folder"/> is when it cannot be a corpus ("the root of a file system", "a system folder …",
    /// "your home folder"), or null when it may be one. A link counts as the folder it finally points to.
    /// </summary>
    public static string? Implausible(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string target;
        try
        {
            target = Directory.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName is { } resolved
                ? Path.TrimEndingDirectorySeparator(resolved)
                : full;
        }
        catch (IOException)
        {
            target = full; // a broken link or a loop: what it is made of is checked by the loader
        }
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        foreach (var path in new[] { full, target })
        {
            if (path.Length == 0 || (Path.GetPathRoot(path) is { } root && string.Equals(Path.TrimEndingDirectorySeparator(root), path, comparison)))
                return "the root of a file system";
            if (PseudoFileSystems.Any(p => string.Equals(path, p, comparison) || path.StartsWith(p + Path.DirectorySeparatorChar, comparison)))
                return "a system folder (it holds the operating system's devices and processes)";
            if (Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home && string.Equals(path, Path.TrimEndingDirectorySeparator(home), comparison))
                return "your home folder";
            if (SystemFolders().Any(p => string.Equals(path, p, comparison)))
                return "a system folder";
        }
        return null;
    }

    private static IEnumerable<string> SystemFolders()
    {
        if (!OperatingSystem.IsWindows())
            foreach (var unix in UnixSystemFolders)
                yield return unix;
        foreach (var special in new[] { Environment.SpecialFolder.Windows, Environment.SpecialFolder.System, Environment.SpecialFolder.ProgramFiles,
                     Environment.SpecialFolder.ProgramFilesX86, Environment.SpecialFolder.CommonApplicationData })
            if (Environment.GetFolderPath(special) is { Length: > 0 } path)
                yield return Path.TrimEndingDirectorySeparator(path);
    }
}
