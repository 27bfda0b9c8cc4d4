using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;

namespace VaeCreative.Core.Serving;

/// <summary>
/// The one registration of the generator's services, used by the CLI, the host and .NET apps that embed the
/// generator: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody().AddText())</c>.
/// </summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Folder of bundled models next to the running executable (where the Host build copies them).</summary>
    public static string BundledModelsDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>
    /// Registers the model store, the model kinds and the modalities <paramref name="configure"/> adds. Each
    /// modality's default model is its <see cref="IModality.DefaultModelId"/> folder under <paramref name="modelsDirectory"/>
    /// (default: <see cref="BundledModelsDirectory"/>), where <c>--model ID</c> also looks.
    /// </summary>
    public static IServiceCollection AddVaeCreative(this IServiceCollection services, string? modelsDirectory, Action<VaeCreativeBuilder> configure)
    {
        var builder = new VaeCreativeBuilder(services);
        configure(builder);
        var options = new ModelStoreOptions { ModelsDirectory = modelsDirectory ?? BundledModelsDirectory };
        foreach (var m in builder.Modalities)
            options.DefaultModels[m.Name] = Path.Combine(options.ModelsDirectory, m.DefaultModelId);
        services.AddSingleton(options);
        services.AddSingleton(builder.ModelKinds);
        services.AddSingleton(new ModalityRegistry(builder.Modalities));
        services.AddSingleton<ModelStore>();
        return services;
    }
}
