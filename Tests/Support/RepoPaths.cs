namespace VaeCreative.Tests.Support;

/// <summary>Locations the tests read: the repository root, the shared data set, the bundled model.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Nottingham => Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "nottingham"));

    public static string DefaultMelodyModel => Path.Combine(Root, "models", "melody-2bar");

    public static string DefaultTextModel => Path.Combine(Root, "models", "text-flavour");

    public static string SeedMelody => Path.Combine(Root, "samples", "seed-melody.mid");

    public static string SeedDrums => Path.Combine(Root, "samples", "seed-drums.mid");

    /// <summary>The CLI built next to the tests (the Tests project references Generator.Host).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "vaecreative.dll");

    public static string RequireNottingham()
    {
        Assert.True(Directory.Exists(Nottingham), $"the Nottingham data set is expected at {Nottingham} (shared/ beside the checkout)");
        return Nottingham;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeCreative.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (VaeCreative.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vaecreative-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
