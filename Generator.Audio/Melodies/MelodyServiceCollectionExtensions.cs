using Microsoft.Extensions.DependencyInjection;

namespace VaeCreative.Audio.Melodies;

/// <summary>Registers the melody modality.</summary>
public static class MelodyServiceCollectionExtensions
{
    /// <summary>Adds <see cref="MelodyGenerator"/> (requires the core services).</summary>
    public static IServiceCollection AddMelodyModality(this IServiceCollection services)
    {
        services.AddSingleton<MelodyGenerator>();
        return services;
    }
}
