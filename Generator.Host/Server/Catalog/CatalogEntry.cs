using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Host.Server.Catalog;

/// <summary>A model the host can serve: its id (folder name), directory and manifest.</summary>
/// <param name="Id">Id used in URLs.</param>
/// <param name="Directory">Full path of the model directory.</param>
/// <param name="Manifest">Its manifest.</param>
public sealed record CatalogEntry(string Id, string Directory, ModelManifest Manifest);
