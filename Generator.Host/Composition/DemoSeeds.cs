using VaeCreative.Core.Modalities;

namespace VaeCreative.Host.Composition;

/// <summary>
/// The demo seed of each modality: <c>samples/seed-{modality}.{ext}</c> beside the executable (the Host project copies
/// them there), in one of the modality's formats: what <c>vaecreative demo</c> varies, what the studio's demo button
/// loads, and what the OpenAPI examples are made of (so the document's examples are material the host really reads).
/// </summary>
public static class DemoSeeds
{
    /// <summary>The folder holding the demo seeds.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "samples");

    /// <summary>The demo seed file of <paramref name="modality"/>, or null when none is installed.</summary>
    public static string? Find(IModality modality) =>
        modality.Formats.SelectMany(f => f.Extensions)
            .Select(extension => Path.Combine(Folder, $"seed-{modality.Name}{extension}"))
            .FirstOrDefault(File.Exists);

    /// <summary>The first seed the demo seed file at <paramref name="path"/> holds (a text file's first line); throws <see cref="MaterialException"/>.</summary>
    public static Material Read(IModality modality, string path) =>
        modality.ReadSeedFile(path, new Dictionary<string, string>()) is { Count: > 0 } seeds ? seeds[0] : throw new MaterialException($"'{path}' holds no seed.");
}
