using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;

namespace VaeCreative.Audio.Composition;

/// <summary>
/// The in-process way to use the generator: .NET apps that embed it (instead of calling the host over HTTP) get the
/// same services the CLI and the host use.
/// </summary>
public static class VaeCreativeServiceCollectionExtensions
{
    /// <summary>Folder of bundled models next to the running executable (where the Host build copies them).</summary>
    public static string BundledModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>
    /// Registers the model store, the melody modality and <see cref="MelodyGenerator"/> (vary, interpolate,
    /// sample, batched forms included). The default melody model is <c>melody-2bar</c> under
    /// <paramref name="modelsDirectory"/> (default: <see cref="BundledModelsDirectory"/>).
    /// </summary>
    public static IServiceCollection AddVaeCreative(this IServiceCollection services, string? modelsDirectory = null)
    {
        var models = modelsDirectory ?? BundledModelsDirectory;
        services.AddVaeCreativeCore(o => o.DefaultModels[MelodyModality.Name] = Path.Combine(models, MelodyModality.DefaultModelFolder));
        services.AddMelodyModality();
        return services;
    }
}
