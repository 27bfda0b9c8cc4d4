using System.Globalization;
using System.Text.Json.Nodes;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Augmentation;

/// <summary>
/// What an augmentation's outputs depend on: the model, the variation settings and the modality's reading options.
/// They are recorded in the output folder, and a run that resumes must have the same ones: outputs made with two
/// settings in one folder would be a data set nobody asked for.
/// </summary>
/// <param name="Modality">The model's modality.</param>
/// <param name="Model">The model as the user named it (a bundled id or a folder).</param>
/// <param name="Variation">Count, similarity, temperature, top-p, random seed and attribute shifts of every seed's variations.</param>
/// <param name="Properties">The modality's reading options (e.g. a MIDI track).</param>
public sealed record AugmentationSettings(string Modality, string Model, VaryOptions Variation, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The settings as recorded (precision is left out: it changes speed, not what the outputs are meant to be).</summary>
    public JsonObject ToJson()
    {
        var attributes = new JsonObject();
        foreach (var (name, strength) in Variation.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal)) attributes[name] = strength;
        var properties = new JsonObject();
        foreach (var (name, value) in Properties.OrderBy(p => p.Key, StringComparer.Ordinal)) properties[name] = value;
        return new JsonObject
        {
            ["modality"] = Modality,
            ["model"] = Model,
            ["count"] = Variation.Count,
            ["similarity"] = Variation.Similarity,
            ["temperature"] = Variation.Temperature,
            ["topP"] = Variation.TopP,
            ["rng"] = Variation.Rng,
            ["attributes"] = attributes,
            ["properties"] = properties,
        };
    }

    /// <summary>The first setting in which <paramref name="recorded"/> differs from these, as "name: recorded, here this", or null.</summary>
    public string? Difference(JsonObject recorded)
    {
        foreach (var (name, value) in ToJson())
        {
            var was = recorded[name];
            if (!JsonNode.DeepEquals(was, value))
                return string.Create(CultureInfo.InvariantCulture, $"{name}: {was?.ToJsonString() ?? "absent"} there, {value?.ToJsonString()} here");
        }
        return null;
    }
}
