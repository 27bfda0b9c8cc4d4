using VaeCreative.Core.Serving;

namespace VaeCreative.Audio.Drums;

/// <summary>Registers the drums modality: <c>services.AddVaeCreative(models, b =&gt; b.AddDrums())</c>.</summary>
public static class DrumBuilderExtensions
{
    /// <summary>Adds the drums modality (its model kind, <c>sequence-vae</c>, is one of Core's).</summary>
    public static VaeCreativeBuilder AddDrums(this VaeCreativeBuilder builder) => builder.AddModality(new DrumModality());
}
