using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;

namespace VaeCreative.Host.Composition;

/// <summary>
/// The one place the CLI and the host server compose the generator: the modalities this build ships. Embedding apps
/// call <see cref="CoreServiceCollectionExtensions.AddVaeCreative"/> themselves with the modalities they want.
/// </summary>
public static class HostServices
{
    /// <summary>Folder holding bundled models, next to the executable (copied there by the build).</summary>
    public static string BundledModelsDirectory => CoreServiceCollectionExtensions.BundledModelsDirectory;

    /// <summary>Adds the generator services with every modality of this build.</summary>
    public static IServiceCollection AddGenerator(IServiceCollection services, string? modelsDirectory) =>
        services.AddVaeCreative(modelsDirectory, b => b.AddMelody());

    /// <summary>Builds the provider used by the CLI.</summary>
    public static ServiceProvider Build(string? modelsDirectory = null) =>
        AddGenerator(new ServiceCollection(), modelsDirectory).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
