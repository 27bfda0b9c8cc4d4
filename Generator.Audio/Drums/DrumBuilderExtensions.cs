using VaeCreative.Audio.Models;
using VaeCreative.Core.Serving;

namespace VaeCreative.Audio.Drums;

/// <summary>Registers the drums modality: <c>services.AddVaeCreative(models, b =&gt; b.AddDrums())</c>.</summary>
public static class DrumBuilderExtensions
{
    /// <summary>Adds the drums modality and the audio model kinds (<see cref="AudioModelKinds"/>).</summary>
    public static VaeCreativeBuilder AddDrums(this VaeCreativeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ModelKinds.AddAudioKinds();
        return builder.AddModality(new DrumModality());
    }
}
