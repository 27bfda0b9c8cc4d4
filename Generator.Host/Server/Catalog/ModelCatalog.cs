using System.Text.Json;
using System.Text.RegularExpressions;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Attributes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Host.Server.Api;

namespace VaeCreative.Host.Server.Catalog;

/// <summary>
/// The models under the served folders (the user's <c>--models</c> folder first, then the bundled ones). Folders
/// are scanned on every lookup of an unknown id and every listing, so a model directory added while the host runs
/// is served without a restart.
/// </summary>
public sealed partial class ModelCatalog(IReadOnlyList<string> roots, IReadOnlyDictionary<string, string> defaultDirectories, ModelKindRegistry? kinds = null)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    /// <summary>Whether <paramref name="id"/> is a valid model id (letters, digits, '.', '_', '-'; 1–100 characters).</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    /// <summary>Folders scanned, in priority order.</summary>
    public IReadOnlyList<string> Roots { get; } = roots;

    /// <summary>All models now on disk (a damaged directory is skipped).</summary>
    public IReadOnlyList<CatalogEntry> Scan()
    {
        var found = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var root in Roots.Where(Directory.Exists))
            foreach (var dir in Directory.EnumerateDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
            {
                var id = Path.GetFileName(dir);
                if (found.ContainsKey(id) || !IsValidId(id)) continue;
                // Another tool's model folder (a diffusers VAE) that a modality reads is served as it is.
                var foreign = File.Exists(Path.Combine(dir, ModelDirectory.ManifestFile)) ? null : kinds?.ForeignFormatOf(dir);
                if (foreign is null && !File.Exists(Path.Combine(dir, ModelDirectory.ManifestFile))) continue;
                try { found[id] = new CatalogEntry(id, Path.GetFullPath(dir), foreign?.Describe(dir) ?? ModelDirectory.ReadManifest(dir)); }
                catch (Exception e) when (e is ModelLoadException or IOException or JsonException) { }
            }
        return found.Values.ToList();
    }

    /// <summary>The model <paramref name="id"/>; a 404 problem when there is none.</summary>
    public CatalogEntry Get(string id)
    {
        var all = Scan();
        return all.FirstOrDefault(e => e.Id == id) ?? throw Problems.UnknownModel(id, all.Select(e => e.Id));
    }

    /// <summary>The listing entry for <paramref name="entry"/>.</summary>
    public ModelInfo Describe(CatalogEntry entry)
    {
        var m = entry.Manifest;
        var sizes = new Dictionary<string, long> { ["parameters"] = m.Parameters };
        foreach (var (key, value) in m.Model)
            if (value is not null && value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue(out long n)) sizes[key] = n;
        return new ModelInfo
        {
            Id = entry.Id,
            Modality = m.Modality,
            Kind = m.ModelKind,
            Default = defaultDirectories.TryGetValue(m.Modality, out var d) && Path.GetFullPath(d) == entry.Directory,
            Sizes = sizes,
            Metrics = m.Metrics is null ? null : JsonSerializer.SerializeToElement(m.Metrics, HostConnection.JsonOptions),
            Attributes = Attributes(entry.Directory),
        };
    }

    /// <summary>
    /// The attributes in the model's <see cref="AttributeDirections.FileName"/>; none when it has no such file, or a
    /// damaged one (the listing still shows the model; a variations request naming an attribute then says what is wrong).
    /// </summary>
    private static List<AttributeInfo> Attributes(string directory)
    {
        AttributeDirections? directions;
        try { directions = AttributeDirections.Load(directory); }
        catch (Exception e) when (e is ModelLoadException or IOException) { return []; }
        return directions is null ? [] : directions.Directions.Select(d => new AttributeInfo
        {
            Name = d.Attribute.Name,
            Description = d.Attribute.Description.Length == 0 ? null : d.Attribute.Description,
            MaxStrength = AttributeDirections.MaxStrength,
        }).ToList();
    }
}
