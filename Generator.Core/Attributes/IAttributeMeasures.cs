using static TorchSharp.torch;

namespace VaeCreative.Core.Attributes;

/// <summary>
/// A modality whose material has attributes worth steering (see <see cref="AttributeDirections"/>): it measures them
/// on model rows, the training batches its recipe encodes and the outputs its models decode, which have one layout.
/// </summary>
public interface IAttributeMeasures
{
    /// <summary>The attributes, in the order <see cref="Measure"/> returns them.</summary>
    IReadOnlyList<LatentAttribute> Attributes { get; }

    /// <summary>
    /// Each row's attribute values, [rows][attributes]; <see cref="double.NaN"/> where an attribute has no value for a
    /// row (the register of a silent window).
    /// </summary>
    double[][] Measure(Tensor rows);
}
