using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;

namespace VaeCreative.Core.Serving;

/// <summary>What a modality's registration extension (<c>AddMelody()</c>, <c>AddText()</c>) adds to.</summary>
public sealed class VaeCreativeBuilder
{
    internal VaeCreativeBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for modalities that register services of their own.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Model kinds; a modality adds the kinds it trains.</summary>
    public ModelKindRegistry ModelKinds { get; } = new();

    internal List<IModality> Modalities { get; } = [];

    /// <summary>Registers <paramref name="modality"/>.</summary>
    public VaeCreativeBuilder AddModality(IModality modality)
    {
        ArgumentNullException.ThrowIfNull(modality);
        Modalities.Add(modality);
        return this;
    }
}
