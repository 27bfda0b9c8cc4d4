namespace VaeCreative.Host.Cli;

/// <summary>Guards against overwriting a user's files without being asked to.</summary>
public static class OutputFiles
{
    /// <summary>Throws when any of <paramref name="paths"/> exists and <paramref name="force"/> is not set.</summary>
    public static void EnsureWritable(IEnumerable<string> paths, bool force)
    {
        if (force) return;
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count > 0)
            throw new CliException($"{existing.Count} output file(s) already exist (first: {existing[0]}); pass --force to overwrite or choose another --out.");
    }
}
