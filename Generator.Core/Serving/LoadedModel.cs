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
public sealed record LoadedModel(string Directory, IVaeModel Model, ModelManifest Manifest, VariationEngine Engine, InferencePrecision Precision);
