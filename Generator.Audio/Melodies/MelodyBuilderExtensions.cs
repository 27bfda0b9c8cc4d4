using VaeCreative.Audio.Models;
using VaeCreative.Core.Serving;

namespace VaeCreative.Audio.Melodies;

/// <summary>Registers the melody modality: <c>services.AddVaeCreative(models, b =&gt; b.AddMelody())</c>.</summary>
public static class MelodyBuilderExtensions
{
    /// <summary>Adds the melody modality and the audio model kinds (<see cref="AudioModelKinds"/>).</summary>
    public static VaeCreativeBuilder AddMelody(this VaeCreativeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ModelKinds.AddAudioKinds();
        return builder.AddModality(new MelodyModality());
    }
}
