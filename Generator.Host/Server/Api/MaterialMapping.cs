using VaeCreative.Core.Modalities;
using Contract = VaeCreative.Client.Contracts.Material;

namespace VaeCreative.Host.Server.Api;

/// <summary>Between the API's material (JSON: base64 data or text) and the generators' <see cref="Material"/>.</summary>
public static class MaterialMapping
{
    /// <summary>
    /// The seed in <paramref name="field"/> of a request as material; a <c>bad-seed</c> problem when it is missing or
    /// malformed. Data without a media type is taken to be in <paramref name="defaultMediaType"/> (the model's format).
    /// </summary>
    public static Material FromContract(Contract? material, string field, string defaultMediaType)
    {
        if (material is null)
            throw Problems.BadSeed($"'{field}' must be an object with 'text', or 'data' (base64) and 'mediaType' ('midi': base64 MIDI is accepted too).");
        var properties = material.Properties is { } p ? new Dictionary<string, string>(p, StringComparer.Ordinal) : null;
        var binary = material.Data ?? material.Midi;
        if (material.Text is not null && binary is not null)
            throw Problems.BadSeed($"'{field}' has both text and data; send one.");
        // Outputs of hosts before issue 23 carried MIDI twice, in 'data' and 'midi': taken back as they are.
        if (material.Data is not null && material.Midi is not null && material.Data != material.Midi)
            throw Problems.BadSeed($"'{field}' has different 'data' and 'midi'; send one ('midi' is the older name of 'data' for MIDI).");
        if (material.Text is not null)
            return Material.FromText(material.Text, properties, material.MediaType ?? MediaTypes.PlainText);
        if (binary is null)
            throw Problems.BadSeed($"'{field}' holds neither 'text' nor 'data' (base64).");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(binary); }
        catch (FormatException) { throw Problems.BadSeed($"'{field}.{(material.Data is not null ? "data" : "midi")}' is not valid base64."); }
        var mediaType = material.Midi is not null ? MidiMediaType : material.MediaType ?? defaultMediaType;
        return Material.FromBytes(mediaType, bytes, properties);
    }

    /// <summary>The media type of a material sent in the older 'midi' field (the API's name for MIDI bytes before 'data').</summary>
    private const string MidiMediaType = "audio/midi";

    /// <summary>An output as the API returns it: its bytes once, in 'data' (the older 'midi' field is only read).</summary>
    public static Contract ToContract(Material material)
    {
        var data = material.Data is { } bytes ? Convert.ToBase64String(bytes) : null;
        return new Contract
        {
            MediaType = material.MediaType,
            Data = data,
            Text = material.Text,
            Properties = material.Properties.Count == 0 ? null : new Dictionary<string, string>(material.Properties, StringComparer.Ordinal),
        };
    }
}
