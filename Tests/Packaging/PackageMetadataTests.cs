using System.IO.Compression;
using System.Xml.Linq;

namespace VaeCreative.Tests.Packaging;

/// <summary>What each packed .nupkg carries: its nuspec's metadata, its README, its assemblies, its dependencies, no models.</summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageMetadataTests(PackedFeed feed)
{
    public static TheoryData<string, string> Packages()
    {
        var data = new TheoryData<string, string>();
        foreach (var (project, id) in PackedFeed.Projects) data.Add(project, id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_nuspec_names_id_version_description_licence_readme_and_repository_and_symbols_come_beside_it(string project, string id)
    {
        var nuspec = Nuspec(id, out var entries, out var readme);
        string? Meta(string name) => nuspec.Element(nuspec.Name.Namespace + name)?.Value;
        Assert.Equal(id, Meta("id"));
        Assert.Equal(feed.Version, Meta("version"));
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")), $"{id}: no description");
        Assert.DoesNotContain("Package Description", Meta("description"));
        var license = nuspec.Element(nuspec.Name.Namespace + "license");
        Assert.NotNull(license);
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal(PackedFeed.BuildProperty("PackageLicenseExpression"), license.Value);
        Assert.Equal("README.md", Meta("readme"));
        Assert.Contains("README.md", entries);
        Assert.NotNull(readme);
        Assert.StartsWith($"# {id}\n", readme);
        Assert.Equal(File.ReadAllText(Path.Combine(Support.RepoPaths.Root, project, "PACKAGE.md")), readme);
        var repository = nuspec.Element(nuspec.Name.Namespace + "repository");
        Assert.NotNull(repository);
        Assert.Equal(PackedFeed.BuildProperty("RepositoryUrl"), repository.Attribute("url")?.Value);
        Assert.True(File.Exists(feed.SymbolPackage(id)), $"no symbol package {feed.SymbolPackage(id)}");
        using var symbols = ZipFile.OpenRead(feed.SymbolPackage(id));
        Assert.Contains(symbols.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_package_holds_its_assembly_with_docs_and_no_models(string project, string id)
    {
        Nuspec(id, out var names, out _);
        var assembly = project == "Generator.Client" ? "VaeCreative.Client" : project;
        var framework = project == "Generator.Client" ? "netstandard2.0" : "net10.0";
        Assert.Contains($"lib/{framework}/{assembly}.dll", names);
        Assert.Contains($"lib/{framework}/{assembly}.xml", names);
        Assert.DoesNotContain(names, n => n.StartsWith("models/", StringComparison.Ordinal) || n.Contains("/models/", StringComparison.Ordinal) ||
                                          n.EndsWith(".bin", StringComparison.Ordinal) || n.EndsWith(".dat", StringComparison.Ordinal));
        Assert.True(new FileInfo(feed.Package(id)).Length < 1 << 20, $"{id} is over 1 MB: does it carry a model?");
    }

    [Fact]
    public void The_libraries_depend_on_managed_TorchSharp_and_leave_the_backend_and_the_client_has_no_TorchSharp()
    {
        var core = Dependencies("VaeCreative.Core");
        Assert.Equal(PackedFeed.PinnedVersion("TorchSharp"), core["TorchSharp"]);
        foreach (var id in PackedFeed.Projects.Values)
            Assert.DoesNotContain(Dependencies(id).Keys, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.StartsWith("libtorch", StringComparison.Ordinal));
        foreach (var id in new[] { "VaeCreative.Audio", "VaeCreative.Text", "VaeCreative.Image" })
            Assert.Equal(feed.Version, Dependencies(id)["VaeCreative.Core"]);
        Assert.DoesNotContain(Dependencies("VaeCreative.Client").Keys, d => d.Contains("Torch", StringComparison.Ordinal) || d.StartsWith("VaeCreative", StringComparison.Ordinal));
    }

    /// <summary>The nuspec's metadata element; <paramref name="entries"/>: the package's file names; <paramref name="readme"/>: its README.md, if any.</summary>
    private XElement Nuspec(string id, out IReadOnlyList<string> entries, out string? readme)
    {
        Assert.True(File.Exists(feed.Package(id)), $"no package {feed.Package(id)}");
        using var zip = ZipFile.OpenRead(feed.Package(id));
        entries = zip.Entries.Select(e => e.FullName).ToList();
        readme = zip.GetEntry("README.md") is { } entry ? new StreamReader(entry.Open()).ReadToEnd() : null;
        using var stream = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }

    private Dictionary<string, string> Dependencies(string id)
    {
        var metadata = Nuspec(id, out _, out _);
        return metadata.Descendants(metadata.Name.Namespace + "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
    }
}
