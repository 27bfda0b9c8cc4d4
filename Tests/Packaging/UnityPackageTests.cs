using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Packaging;

/// <summary>
/// The Unity package unity/com.vaecreative.client: its manifest and asmdef, its .meta files, and that what
/// scripts/unity-package.sh copied into it (the client's sources, the plugin DLLs) is current. Tests/Packaging/UnityCheck,
/// built before the tests, compiles its scripts as Unity would (C# 9, .NET Standard 2.1, UnityEngine stubs).
/// </summary>
public sealed class UnityPackageTests
{
    private const string Refresh = "run scripts/unity-package.sh";

    private static readonly string Package = Path.Combine(RepoPaths.Root, "unity", "com.vaecreative.client");
    private static readonly string Check = Path.Combine(RepoPaths.Root, "Tests", "Packaging", "UnityCheck");

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void The_manifest_names_the_package_the_repository_version_Unity_2021_2_and_samples_that_exist()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Package, "package.json")));
        var root = manifest.RootElement;
        Assert.Equal("com.vaecreative.client", root.GetProperty("name").GetString());
        Assert.True(PackedFeed.BuildProperty("Version") == root.GetProperty("version").GetString(),
            $"package.json's version is not Directory.Build.props' <Version>: {Refresh}");
        Assert.Equal("2021.2", root.GetProperty("unity").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("displayName").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("author").GetProperty("name").GetString()));
        Assert.Equal(PackedFeed.BuildProperty("PackageLicenseExpression"), root.GetProperty("license").GetString());
        var samples = root.GetProperty("samples").EnumerateArray().ToList();
        Assert.NotEmpty(samples);
        foreach (var sample in samples)
        {
            var path = sample.GetProperty("path").GetString()!;
            Assert.StartsWith("Samples~/", path);
            Assert.False(string.IsNullOrWhiteSpace(sample.GetProperty("displayName").GetString()));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(Package, path)));
        }
        foreach (var file in new[] { "README.md", "CHANGELOG.md", "LICENSE.md" })
            Assert.True(File.Exists(Path.Combine(Package, file)), $"the package has no {file}");
    }

    [Fact]
    public void The_asmdef_references_exactly_the_plugins_and_nothing_in_the_package_touches_TorchSharp()
    {
        using var asmdef = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Package, "Runtime", "VaeCreative.Unity.asmdef")));
        var root = asmdef.RootElement;
        Assert.Equal("VaeCreative.Unity", root.GetProperty("name").GetString());
        Assert.Empty(root.GetProperty("references").EnumerateArray());
        Assert.True(root.GetProperty("overrideReferences").GetBoolean());
        var plugins = Directory.GetFiles(Path.Combine(Package, "Runtime", "Plugins"), "*.dll").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(plugins, root.GetProperty("precompiledReferences").EnumerateArray().Select(r => r.GetString()).Order());

        var files = Directory.GetFiles(Package, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase));
        foreach (var script in files.Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".asmdef", StringComparison.Ordinal)))
            Assert.DoesNotMatch(new Regex(@"using\s+TorchSharp|TorchSharp\.dll|""TorchSharp"), File.ReadAllText(script));
        foreach (var dll in files.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)))
        {
            using var pe = new PEReader(File.OpenRead(dll));
            var metadata = pe.GetMetadataReader();
            var references = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name));
            Assert.DoesNotContain(references, r => r.Contains("Torch", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Every_file_and_folder_has_a_meta_with_its_own_GUID_and_no_meta_is_orphaned()
    {
        var guids = new Dictionary<string, string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(Package, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Package, entry);
            if (relative.EndsWith(".meta", StringComparison.Ordinal))
            {
                Assert.True(Path.Exists(entry[..^5]), $"{relative} has no asset beside it: {Refresh}");
                continue;
            }
            if (relative == "Samples~") continue; // Unity ignores folders ending in ~; their contents keep .meta files for import
            Assert.True(File.Exists(entry + ".meta"), $"{relative} has no .meta: {Refresh}");
            var meta = File.ReadAllText(entry + ".meta");
            Assert.StartsWith("fileFormatVersion: 2\n", meta);
            var guid = Regex.Match(meta, "^guid: ([0-9a-f]{32})$", RegexOptions.Multiline);
            Assert.True(guid.Success, $"{relative}.meta has no 32-hex-digit guid");
            Assert.False(guids.TryGetValue(guid.Groups[1].Value, out var other), $"{relative} and {other} share a GUID");
            guids[guid.Groups[1].Value] = relative;
            if (Directory.Exists(entry)) Assert.Contains("folderAsset: yes", meta);
        }
        Assert.Contains(Path.Combine("Runtime", "VaeCreative.Unity.asmdef"), guids.Values);
    }

    [Fact]
    public void Generator_Client_compiles_the_packages_client_sources_and_holds_none_of_its_own()
    {
        // One source: Unity compiles Runtime/Client as it is, and the NuGet client compiles the same files.
        var project = File.ReadAllText(Path.Combine(RepoPaths.Root, "Generator.Client", "Generator.Client.csproj"));
        Assert.Contains(@"<Compile Include=""..\unity\com.vaecreative.client\Runtime\Client\**\*.cs""", project);
        var own = Directory.GetFiles(Path.Combine(RepoPaths.Root, "Generator.Client"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.Empty(own);
        // Unity compiles without the project's nullable setting: each file turns it on itself.
        var sources = Directory.GetFiles(Path.Combine(Package, "Runtime", "Client"), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(sources);
        Assert.All(sources, f => Assert.StartsWith("#nullable enable\n", File.ReadAllText(f), StringComparison.Ordinal));
    }

    [Fact]
    public void The_plugins_are_the_DLLs_NuGet_resolves_for_netstandard2_1_byte_for_byte()
    {
        var assetsFile = Path.Combine(Check, "obj", "project.assets.json");
        Assert.True(File.Exists(assetsFile), $"no {assetsFile}: build the solution (UnityCheck restores with it)");
        using var assets = JsonDocument.Parse(File.ReadAllBytes(assetsFile));
        var folders = assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
        var libraries = assets.RootElement.GetProperty("libraries");
        var expected = new Dictionary<string, string>();
        var target = Assert.Single(assets.RootElement.GetProperty("targets").EnumerateObject()); // netstandard2.1, the only framework
        foreach (var package in target.Value.EnumerateObject())
        {
            if (package.Value.GetProperty("type").GetString() != "package" || !package.Value.TryGetProperty("runtime", out var runtime)) continue;
            var folder = libraries.GetProperty(package.Name).GetProperty("path").GetString()!;
            foreach (var asset in runtime.EnumerateObject().Select(a => a.Name).Where(a => a.EndsWith(".dll", StringComparison.Ordinal)))
                expected[Path.GetFileName(asset)] = folders.Select(f => Path.Combine(f, folder, asset)).First(File.Exists);
        }
        Assert.Contains("System.Text.Json.dll", expected.Keys);
        Assert.DoesNotContain("System.Memory.dll", expected.Keys); // in .NET Standard 2.1 itself (and shipped by Unity 2021.2)

        var plugins = Path.Combine(Package, "Runtime", "Plugins");
        Assert.True(expected.Keys.Order().SequenceEqual(Directory.GetFiles(plugins, "*.dll").Select(Path.GetFileName).Order()),
            $"Runtime/Plugins should hold {string.Join(", ", expected.Keys.Order())}: {Refresh}");
        foreach (var (name, path) in expected)
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(plugins, name))), $"Runtime/Plugins/{name} is not {path}: {Refresh}");
    }

    [Fact]
    public void The_scripts_compiled_as_CSharp_9_on_netstandard2_1_from_the_current_sources()
    {
        var project = File.ReadAllText(Path.Combine(Check, "UnityCheck.csproj"));
        Assert.Contains("<LangVersion>9.0</LangVersion>", project);
        Assert.Contains("<TargetFramework>netstandard2.1</TargetFramework>", project);
        var dll = Path.Combine(Check, "bin", Configuration, "netstandard2.1", "VaeCreative.Unity.Check.dll");
        Assert.True(File.Exists(dll), $"no {dll}: build the solution or the tests (UnityCheck compiles the package's scripts)");
        var scripts = Directory.GetFiles(Package, "*.cs", SearchOption.AllDirectories).Append(Path.Combine(Check, "UnityEngine.cs")).ToList();
        var newest = scripts.OrderByDescending(File.GetLastWriteTimeUtc).First();
        Assert.True(File.GetLastWriteTimeUtc(dll) >= File.GetLastWriteTimeUtc(newest), $"{dll} is older than {newest}: build again");

        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        var types = metadata.TypeDefinitions.Select(t => metadata.GetTypeDefinition(t))
            .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}").ToHashSet();
        foreach (var type in new[] { "VaeCreative.Unity.VaeCreativeVariations", "VaeCreative.Unity.VaeCreativeTextVariations",
                                     "VaeCreative.Unity.VaeCreativeSpriteVariations", "VaeCreative.Client.VaeCreativeClient", ".VaeCreativeDemo" })
            Assert.Contains(type, types);
        // Every script of the package is in it: one top-level type per file, named after the file (Unity's rule for MonoBehaviours).
        foreach (var script in Directory.GetFiles(Path.Combine(Package, "Runtime"), "VaeCreative*.cs"))
            Assert.Contains(types, t => t.EndsWith("." + Path.GetFileNameWithoutExtension(script), StringComparison.Ordinal));
    }
}
