using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Packaging;

/// <summary>
/// The five NuGet packages packed once per test run (<c>dotnet pack --no-build</c> from the build the tests run on) into
/// a temporary local feed, and, on first use, the two consumer apps of Packaging/Consumers built against that feed
/// offline: NuGet sees only the local feed as a source, and every third-party package comes from the package folders
/// the repository's own restore filled (fallback folders), so nothing is downloaded.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    /// <summary>The packable projects and the package ids they pack as.</summary>
    public static readonly IReadOnlyDictionary<string, string> Projects = new Dictionary<string, string>
    {
        ["Generator.Client"] = "VaeCreative.Client",
        ["Generator.Core"] = "VaeCreative.Core",
        ["Generator.Audio"] = "VaeCreative.Audio",
        ["Generator.Text"] = "VaeCreative.Text",
        ["Generator.Image"] = "VaeCreative.Image",
    };

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly TempDir folder = new();
    private readonly Lazy<Task<ConsumerBuild>> consumers;

    public PackedFeed()
    {
        Version = BuildProperty("Version");
        var clock = Stopwatch.StartNew();
        // --no-build: the test run's own build (same configuration) already compiled the five projects.
        var pack = DotnetCli.Run(RepoPaths.Root,
            ["pack", Path.Combine(RepoPaths.Root, "VaeCreative.sln"), "-c", Configuration, "--no-build", "-nologo", "-v", "quiet", "-o", Feed],
            TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        PackSeconds = clock.Elapsed.TotalSeconds;
        if (pack.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed:\n" + pack.Output);
        consumers = new(BuildConsumers);
    }

    public string Version { get; }

    public string Feed => folder.File("feed");

    public double PackSeconds { get; }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>Both consumers built (once) against the feed.</summary>
    public Task<ConsumerBuild> Consumers => consumers.Value;

    public void Dispose() => folder.Dispose();

    /// <summary>A property of Directory.Build.props or Directory.Packages.props (the one place versions live).</summary>
    public static string BuildProperty(string name, string file = "Directory.Build.props")
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, file));
        var match = Regex.Match(text, $"<{name}(?:\\s[^>]*)?>([^<]+)</{name}>");
        Assert.True(match.Success, $"{file} sets no <{name}>");
        return match.Groups[1].Value;
    }

    /// <summary>The version Directory.Packages.props pins for <paramref name="package"/>.</summary>
    public static string PinnedVersion(string package)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        var match = Regex.Match(text, $"<PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"");
        Assert.True(match.Success, $"Directory.Packages.props pins no {package}");
        var version = match.Groups[1].Value;
        return version.StartsWith("$(", StringComparison.Ordinal) ? BuildProperty(version[2..^1], "Directory.Packages.props") : version;
    }

    /// <summary>The package folders the repository's restore used (global packages folder and any fallbacks), from the tests' own assets file.</summary>
    public static IReadOnlyList<string> RestoredPackageFolders()
    {
        var assets = Path.Combine(RepoPaths.Root, "Tests", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"no {assets}: the tests run on a build of the repository, whose restore writes it");
        using var json = JsonDocument.Parse(File.ReadAllBytes(assets));
        return json.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
    }

    private async Task<ConsumerBuild> BuildConsumers()
    {
        var root = folder.File("consumers");
        var packages = folder.File("packages");
        foreach (var app in new[] { "ClientConsumer", "EmbeddingConsumer" })
        {
            var target = Directory.CreateDirectory(Path.Combine(root, app)).FullName;
            foreach (var file in new[] { app + ".csproj", "Program.cs" })
                File.Copy(Path.Combine(RepoPaths.Root, "Tests", "Packaging", "Consumers", app, file), Path.Combine(target, file));
        }
        File.WriteAllText(Path.Combine(root, "Consumers.slnx"),
            "<Solution>\n  <Project Path=\"ClientConsumer/ClientConsumer.csproj\" />\n  <Project Path=\"EmbeddingConsumer/EmbeddingConsumer.csproj\" />\n</Solution>\n");
        // Only the local feed as a source; a packages folder of its own (the fresh VaeCreative packages must not land in,
        // or be served stale from, the machine's global folder); the repository's restored folders as fallbacks.
        var fallbacks = string.Concat(RestoredPackageFolders().Select((f, i) => $"    <add key=\"restored{i}\" value=\"{f}\" />\n"));
        File.WriteAllText(Path.Combine(root, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="vaecreative-local" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
            {fallbacks}  </fallbackPackageFolders>
            </configuration>
            """);
        var clock = Stopwatch.StartNew();
        var build = await DotnetCli.Run(root,
            ["build", "Consumers.slnx", "-c", "Release", "-nologo", "-v", "quiet", "-nodeReuse:false",
             $"-p:VaeCreativeVersion={Version}", $"-p:TorchSharpVersion={PinnedVersion("TorchSharp-cpu")}",
             $"-p:DependencyInjectionVersion={PinnedVersion("Microsoft.Extensions.DependencyInjection")}"],
            TimeSpan.FromMinutes(4));
        if (build.ExitCode != 0) throw new InvalidOperationException("building the package consumers failed:\n" + build.Output);
        return new ConsumerBuild(root, packages, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>The consumer apps built against the local feed, in <see cref="Root"/>; <see cref="Packages"/> is their own packages folder.</summary>
public sealed record ConsumerBuild(string Root, string Packages, double BuildSeconds)
{
    public string Dll(string app) => Path.Combine(Root, app, "bin", "Release", "net10.0", app + ".dll");

    public string AssetsFile(string app) => Path.Combine(Root, app, "obj", "project.assets.json");
}

[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packaging";
}
