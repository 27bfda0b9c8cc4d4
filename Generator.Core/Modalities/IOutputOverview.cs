namespace VaeCreative.Core.Modalities;

/// <summary>
/// A modality whose outputs can be shown together in one file (images: a contact sheet of a seed and its variations,
/// an interpolation's frames in a strip, samples in a grid). The CLI writes it beside the outputs as
/// <c>…-sheet</c> plus the modality's first extension, and names it under <c>"sheet"</c> in <c>--json</c>.
/// </summary>
public interface IOutputOverview
{
    /// <summary>
    /// One file showing <paramref name="seed"/> (when given) first and then <paramref name="outputs"/>, in
    /// <paramref name="columns"/> columns (null: a square grid).
    /// </summary>
    Material Compose(Material? seed, IReadOnlyList<Material> outputs, int? columns);
}
