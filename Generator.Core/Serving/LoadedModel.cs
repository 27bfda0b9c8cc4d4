using VaeCreative.Core.Attributes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Serving;

/// <summary>A model loaded from a directory, with its manifest and variation engine.</summary>
/// <param name="Directory">Full path of the model directory.</param>
/// <param name="Model">The network.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Engine">The variation engine over it.</param>
/// <param name="Precision">The precision it was loaded with.</param>
public sealed record LoadedModel(string Directory, IVaeModel Model, ModelManifest Manifest, VariationEngine Engine, InferencePrecision Precision)
{
    private readonly Lazy<AttributeDirections?> attributes = new(() => AttributeDirections.Load(Directory));

    /// <summary>The model's attribute vectors (<see cref="AttributeDirections.FileName"/>), read on first use; null when it has none.</summary>
    public AttributeDirections? Attributes => attributes.Value;

    /// <summary>
    /// The latent shift for a request's attribute strengths (null for none); an <see cref="ArgumentException"/> when the
    /// model has no attribute vectors or not the ones named.
    /// </summary>
    public float[]? AttributeShift(IReadOnlyDictionary<string, double> strengths)
    {
        if (strengths.Count == 0) return null;
        var directions = Attributes ?? throw new ArgumentException(
            $"the model in '{Directory}' has no attribute vectors ({AttributeDirections.FileName}); compute them with 'vaecreative attributes --model {Directory} --data …'.");
        return directions.Shift(strengths);
    }
}
