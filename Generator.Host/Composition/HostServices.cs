using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Composition;

namespace VaeCreative.Host.Composition;

/// <summary>The one place the CLI and the host server compose the generator services (embedding apps call <see cref="VaeCreativeServiceCollectionExtensions.AddVaeCreative"/> themselves).</summary>
public static class HostServices
{
    /// <summary>Folder holding bundled models, next to the executable (copied there by the build).</summary>
    public static string BundledModelsDirectory => VaeCreativeServiceCollectionExtensions.BundledModelsDirectory;

    /// <summary>Builds the provider used by the CLI.</summary>
    public static ServiceProvider Build(string? modelsDirectory = null) =>
        new ServiceCollection().AddVaeCreative(modelsDirectory).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
