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

    /// <summary>The C# example in <paramref name="project"/>'s PACKAGE.md (its package's README).</summary>
    public static string ReadmeExample(string project)
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, project, "PACKAGE.md"));
        var example = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(example.Success, $"{project}/PACKAGE.md has no C# example");
        return example.Groups[1].Value;
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
        // Each package README's example, compiled (not run) against its package.
        var snippets = new List<string>();
        foreach (var (project, id) in Projects)
        {
            var target = Directory.CreateDirectory(Path.Combine(root, "Snippets", id)).FullName;
            File.WriteAllText(Path.Combine(target, "Program.cs"), ReadmeExample(project));
            // Core's example registers a modality, which comes from another package: the melody one.
            var modality = id == "VaeCreative.Core" ? "VaeCreative.Audio" : id;
            File.WriteAllText(Path.Combine(target, id + ".Snippet.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <NuGetAudit>false</NuGetAudit>
                    <CopyLocalLockFileAssemblies>false</CopyLocalLockFileAssemblies>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="{id}" Version="$(VaeCreativeVersion)" />
                    <PackageReference Include="{modality}" Version="$(VaeCreativeVersion)" />
                    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="$(DependencyInjectionVersion)" />
                  </ItemGroup>
                </Project>
                """);
            snippets.Add($"Snippets/{id}/{id}.Snippet.csproj");
        }
        File.WriteAllText(Path.Combine(root, "Consumers.slnx"),
            "<Solution>\n" + string.Concat(new[] { "ClientConsumer/ClientConsumer.csproj", "EmbeddingConsumer/EmbeddingConsumer.csproj" }
                .Concat(snippets).Select(p => $"  <Project Path=\"{p}\" />\n")) + "</Solution>\n");
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
