using VaeCreative.Core.Serving;

namespace VaeCreative.Audio.Melodies;

/// <summary>Registers the melody modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody())</c>.</summary>
public static class MelodyBuilderExtensions
{
    /// <summary>Adds the melody modality (its model kind, <c>sequence-vae</c>, is one of Core's).</summary>
    public static VaeCreativeBuilder AddMelody(this VaeCreativeBuilder builder) => builder.AddModality(new MelodyModality());
}
