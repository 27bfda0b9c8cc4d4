using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Drums;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;
using VaeCreative.Image;
using VaeCreative.Text;

namespace VaeCreative.Host.Composition;

/// <summary>
/// The one place the CLI and the host server compose the generator: the modalities this build ships. Embedding apps
/// call <see cref="CoreServiceCollectionExtensions.AddVaeCreative"/> themselves with the modalities they want.
/// </summary>
public static class HostServices
{
    /// <summary>Folder holding bundled models, next to the executable (copied there by the build).</summary>
    public static string BundledModelsDirectory => CoreServiceCollectionExtensions.BundledModelsDirectory;

    /// <summary>Every modality of this build: what the CLI and the host serve unless told otherwise.</summary>
    public static void AddBuiltInModalities(VaeCreativeBuilder builder) => builder.AddMelody().AddDrums().AddText().AddImage();

    /// <summary>Adds the generator services with <paramref name="modalities"/> (default: <see cref="AddBuiltInModalities"/>).</summary>
    public static IServiceCollection AddGenerator(IServiceCollection services, string? modelsDirectory, Action<VaeCreativeBuilder>? modalities = null) =>
        services.AddVaeCreative(modelsDirectory, modalities ?? AddBuiltInModalities);

    /// <summary>Builds the provider used by the CLI.</summary>
    public static ServiceProvider Build(string? modelsDirectory = null, Action<VaeCreativeBuilder>? modalities = null) =>
        AddGenerator(new ServiceCollection(), modelsDirectory, modalities).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
