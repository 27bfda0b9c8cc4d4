using System.Text.Json;
using Xunit.Abstractions;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Packaging;

/// <summary>
/// Apps that reference the packed packages from a local feed, as a user would (Packaging/Consumers): one varies a melody
/// through a running host with VaeCreative.Client, one runs the generator in-process with AddVaeCreative from
/// VaeCreative.Core, .Audio, .Text and .Image. Both are built offline (see <see cref="PackedFeed"/>).
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageConsumerTests(PackedFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_consumers_restore_from_the_local_feed_alone_and_take_everything_else_from_the_restored_folders()
    {
        var build = await feed.Consumers;
        output.WriteLine($"pack {feed.PackSeconds:0.0} s, consumers' restore and build {build.BuildSeconds:0.0} s");
        var restored = PackedFeed.RestoredPackageFolders();
        foreach (var app in new[] { "ClientConsumer", "EmbeddingConsumer" })
        {
            using var assets = JsonDocument.Parse(File.ReadAllBytes(build.AssetsFile(app)));
            var restore = assets.RootElement.GetProperty("project").GetProperty("restore");
            var sources = restore.GetProperty("sources").EnumerateObject().Select(s => Path.TrimEndingDirectorySeparator(s.Name)).ToList();
            Assert.Equal([feed.Feed], sources);
            var fallbacks = restore.GetProperty("fallbackFolders").EnumerateArray().Select(f => Path.TrimEndingDirectorySeparator(f.GetString()!)).ToList();
            Assert.Equal(restored.Select(Path.TrimEndingDirectorySeparator), fallbacks);
        }
        // Whatever NuGet had to fetch from a source lands in the consumers' own folder: only the fresh VaeCreative packages.
        var fetched = Directory.GetDirectories(build.Packages).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(PackedFeed.Projects.Values.Select(id => id.ToLowerInvariant()).Order(), fetched);

        // And a fresh machine has every other package they use: the repository's own restore (the solution's projects)
        // resolves each of them too, in the same version, so they are in its package folders before the tests run.
        var repository = RepositoryPackages();
        foreach (var app in new[] { "ClientConsumer", "EmbeddingConsumer" })
        {
            using var assets = JsonDocument.Parse(File.ReadAllBytes(build.AssetsFile(app)));
            foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() != "package" || library.Name.StartsWith("VaeCreative.", StringComparison.Ordinal)) continue;
                Assert.True(repository.Contains(library.Name), $"{app} uses {library.Name}, which no restored project of VaeCreative.sln resolves: a fresh machine would lack it offline (or build the whole solution first)");
            }
        }
    }

    [Fact]
    public async Task The_client_package_varies_a_melody_through_a_running_host()
    {
        var build = await feed.Consumers;
        await using var host = await RunningHost.Start();
        var run = await DotnetCli.Run(build.Root, [build.Dll("ClientConsumer"), RepoPaths.SeedMelody], TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["VAECREATIVE_URL"] = host.Server.Url.ToString(), ["VAECREATIVE_TOKEN"] = host.Server.Token });
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("model melody-2bar: 3 variations", lines[0]);
        Assert.Equal(3, lines.Skip(1).Count(l => l.StartsWith("MThd ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_embedding_packages_vary_a_melody_a_line_and_a_sprite_in_process_from_bundled_model_folders()
    {
        var build = await feed.Consumers;
        var models = Path.Combine(RepoPaths.Root, "models");
        var run = await DotnetCli.Run(build.Root,
            [build.Dll("EmbeddingConsumer"), Path.Combine(models, "melody-2bar"), RepoPaths.SeedMelody,
             Path.Combine(models, "text-flavour"), Path.Combine(models, "sprites"), Path.Combine(RepoPaths.Root, "samples", "seed-image.png")],
            TimeSpan.FromMinutes(2));
        output.WriteLine(run.Output);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.StartsWith("melody: 64 steps, ", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.StartsWith("text: ", StringComparison.Ordinal) && l.Length > "text: ".Length));
        Assert.Equal(3, lines.Count(l => l.StartsWith("image: image/png ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_package_READMEs_example_compiles_against_its_package()
    {
        var build = await feed.Consumers;
        foreach (var id in PackedFeed.Projects.Values)
            Assert.True(File.Exists(build.SnippetDll(id)), $"{id}'s README example did not compile to {build.SnippetDll(id)}");
    }

    /// <summary>Every package (name/version) the restore of VaeCreative.sln's projects resolved, from their assets files.</summary>
    private static HashSet<string> RepositoryPackages()
    {
        var solution = File.ReadAllText(Path.Combine(RepoPaths.Root, "VaeCreative.sln"));
        var projects = System.Text.RegularExpressions.Regex.Matches(solution, "\"([^\"]+\\.csproj)\"").Select(m => m.Groups[1].Value.Replace('\\', '/')).ToList();
        Assert.NotEmpty(projects);
        var packages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var project in projects)
        {
            var assetsFile = Path.Combine(RepoPaths.Root, Path.GetDirectoryName(project)!, "obj", "project.assets.json");
            if (!File.Exists(assetsFile)) continue; // not restored here (the tests alone were built): the message below says so
            using var assets = JsonDocument.Parse(File.ReadAllBytes(assetsFile));
            foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
                if (library.Value.GetProperty("type").GetString() == "package") packages.Add(library.Name);
        }
        return packages;
    }
}
