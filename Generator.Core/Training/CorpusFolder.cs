namespace VaeCreative.Core.Training;

/// <summary>
/// The one way a corpus folder is walked (MIDI, text): one level at a time, so that the limits are checked as entries
/// arrive and an unreadable folder is skipped on its own; folder links seen as links (never followed, so a loop cannot
/// hold the walk); files in ordinal order, so every machine reads them alike.
/// </summary>
public static class CorpusFolder
{
    /// <summary>Most files and folders a corpus walk looks at by default: 250,000.</summary>
    public const int DefaultMaxEntries = 250_000;

    /// <summary>
    /// The files under <paramref name="folder"/> that <paramref name="options"/> take. Throws
    /// <see cref="DirectoryNotFoundException"/> when the folder does not exist, and <see cref="TrainingDataException"/>
    /// when it holds more than the options' limits. Call <see cref="TrainingDataFolder.Implausible"/> first: a folder
    /// such as / or a home folder is refused with the modality's own words.
    /// </summary>
    public static CorpusListing List(string folder, CorpusListOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"data folder '{folder}' does not exist.");
        var root = Path.GetFullPath(folder);
        var files = new List<string>();
        var skipped = new List<SkippedFile>();
        var unreadable = new List<SkippedFile>();
        var pending = new Stack<string>();
        pending.Push(root);
        var entries = 0;
        var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 };
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", enumeration))
                {
                    if (++entries > options.MaxEntries)
                        throw new TrainingDataException($"'{folder}' holds more than {options.MaxEntries:N0} files and folders; {options.TooManyEntriesHint}");
                    if (options.Skip?.Invoke(entry) is { } reason)
                        skipped.Add(new SkippedFile(entry.FullName, reason));
                    else if (entry is DirectoryInfo sub)
                    {
                        if ((entry.Attributes & FileAttributes.ReparsePoint) == 0) pending.Push(sub.FullName);
                    }
                    else if (options.Include?.Invoke(entry.Name) ?? true)
                    {
                        files.Add(entry.FullName);
                        if (files.Count > options.MaxFiles)
                            throw new TrainingDataException($"'{folder}' holds more than {options.MaxFiles:N0} {options.FilesNoun}, the most a training folder may hold; pass a subfolder.");
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.Security.SecurityException)
            {
                // Includes a folder removed while listing (DirectoryNotFoundException is an IOException).
                unreadable.Add(new SkippedFile(dir, $"cannot be listed ({e.Message})"));
            }
        }
        // All paths start with root + separator, so this is the order of their relative paths.
        string Given(string full) => string.Equals(root, folder, StringComparison.Ordinal) ? full : Path.Combine(folder, Path.GetRelativePath(root, full));
        static List<SkippedFile> Sorted(IEnumerable<SkippedFile> list, Func<string, string> given) =>
            [.. list.OrderBy(s => s.Path, StringComparer.Ordinal).Select(s => s with { Path = given(s.Path) })];
        return new CorpusListing(
            [.. files.Order(StringComparer.Ordinal).Select(Given)],
            Sorted(skipped, Given),
            Sorted(unreadable, Given));
    }
}
