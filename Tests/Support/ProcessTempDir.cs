using VaeCreative.Client;

namespace VaeCreative.Tests.Support;

/// <summary>
/// A temporary folder that lives as long as the test process (models trained once and shared by many tests). It is
/// removed at exit when the process ends normally; the test host is often ended without that, so each new one first
/// removes the folders of test processes that no longer run (the folder's name carries its owner's pid).
/// </summary>
public static class ProcessTempDir
{
    private const string Prefix = "vaecreative-tests-process-";

    /// <summary>A new folder named after <paramref name="name"/> and this process.</summary>
    public static string Create(string name)
    {
        RemoveLeftovers();
        var path = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(path);
        return path;
    }

    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var rest = Path.GetFileName(folder)[Prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash > 0 && int.TryParse(rest[..dash], out var pid) && pid != Environment.ProcessId && HostConnection.IsProcessRunning(pid) == false)
                Delete(folder);
        }
    }

    private static void Delete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
