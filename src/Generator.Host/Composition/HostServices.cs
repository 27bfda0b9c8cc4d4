using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;

namespace VaeCreative.Host.Composition;

/// <summary>The one place the CLI, the host server and embedding .NET apps compose the generator services.</summary>
public static class HostServices
{
    /// <summary>Folder holding bundled models, next to the executable (copied there by the build).</summary>
    public static string BundledModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>Registers core, melody and CLI services with the bundled default models.</summary>
    public static IServiceCollection AddVaeCreative(this IServiceCollection services, string? modelsDirectory = null)
    {
        var models = modelsDirectory ?? BundledModelsDirectory;
        services.AddVaeCreativeCore(o => o.DefaultModels[MelodyModality.Name] = Path.Combine(models, MelodyModality.DefaultModelFolder));
        services.AddMelodyModality();
        return services;
    }

    /// <summary>Builds the provider used by the CLI.</summary>
    public static ServiceProvider Build(string? modelsDirectory = null) =>
        new ServiceCollection().AddVaeCreative(modelsDirectory).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
