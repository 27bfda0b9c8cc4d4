using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// The previews of a melody output: the whole MIDI file heard through <see cref="SoundfontSynth"/> (a kept arrangement
/// plays with all its instruments) and its melody drawn by <see cref="PianoRoll"/> over the seed's.
/// </summary>
public static class MelodyPreview
{
    /// <summary>WAV first, then the piano roll.</summary>
    public static IReadOnlyList<MaterialFormat> Formats { get; } = [new(AudioMediaTypes.Wav, [".wav"]), new(AudioMediaTypes.Png, [".png"])];

    /// <summary>The WAV and the piano roll of <paramref name="output"/> (a MIDI file), drawn against <paramref name="seed"/> when given.</summary>
    public static IReadOnlyList<Material> Render(Material? seed, Material output, SoundfontSynthOptions? synth = null)
    {
        var melody = Read(output, "output");
        var seedMelody = seed is null ? null : Read(seed, "seed");
        var wav = SoundfontSynth.Render(output.Data!, synth);
        var png = PianoRoll.Render(seedMelody, melody, melody.BarStarts());
        return [Material.FromBytes(AudioMediaTypes.Wav, wav), Material.FromBytes(AudioMediaTypes.Png, png)];
    }

    private static Melody Read(Material material, string field)
    {
        if (material.Data is not { } bytes) throw new MaterialException($"a melody preview needs MIDI; '{field}' is {material.MediaType} text.");
        var track = MidiMaterialProperties.Int(material.Properties, MelodyModality.TrackProperty, field);
        return MidiMelodyReader.Read(bytes, field, track);
    }
}
