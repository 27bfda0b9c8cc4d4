using System.Globalization;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Midi;

/// <summary>
/// The properties every MIDI seed may carry, whatever part a modality reads from it (a melody, a drum part), and their
/// parsers: one place, so that melodies and drums (and a next part) read <c>--bars</c> and <c>--keep-arrangement</c> alike.
/// </summary>
public static class MidiMaterialProperties
{
    /// <summary>The <c>--bars</c> property: vary only these bars (<see cref="Melodies.BarRange"/>), keep the rest.</summary>
    public const string Bars = "barRange";

    /// <summary>The <c>--keep-arrangement</c> property: output the seed file with only the modality's part replaced.</summary>
    public const string KeepArrangement = "keepArrangement";

    /// <summary>Parses a true/false property (true, yes, 1; false, no, 0); a <see cref="MaterialException"/> naming <paramref name="field"/> and the key otherwise.</summary>
    public static bool? Bool(IReadOnlyDictionary<string, string> properties, string key, string field)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!properties.TryGetValue(key, out var text)) return null;
        return text.Trim().ToLowerInvariant() switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => throw new MaterialException($"{field}: '{key}' must be true or false; got '{text}'."),
        };
    }

    /// <summary>Parses an integer property; a <see cref="MaterialException"/> naming <paramref name="field"/> and the key otherwise.</summary>
    public static int? Int(IReadOnlyDictionary<string, string> properties, string key, string field)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!properties.TryGetValue(key, out var text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new MaterialException($"{field}: '{key}' must be an integer; got '{text}'.");
    }
}
