using Microsoft.Extensions.DependencyInjection;

namespace VaeCreative.Core.Serving;

/// <summary>Registers the modality-free services.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Adds the shared <see cref="ModelStore"/> (configure default models through <paramref name="configure"/>).</summary>
    public static IServiceCollection AddVaeCreativeCore(this IServiceCollection services, Action<ModelStoreOptions>? configure = null)
    {
        var options = new ModelStoreOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton<ModelStore>();
        return services;
    }
}
