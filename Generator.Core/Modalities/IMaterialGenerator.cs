using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Modalities;

/// <summary>
/// A modality's generation on one loaded model: reads seed material and turns the modality-free
/// <see cref="VariationEngine"/>'s outputs back into material. The batched methods serve several requests in one
/// model pass, each getting what it would get alone (what the host's queue relies on). All requests of one call use
/// the same precision (the model was loaded with it).
/// </summary>
public interface IMaterialGenerator
{
    /// <summary>The model it drives.</summary>
    LoadedModel Model { get; }

    /// <summary>
    /// Reads and checks <paramref name="material"/> as a seed; <paramref name="field"/> names it in messages
    /// (a file name, or a request field such as <c>seed</c>). Throws <see cref="MaterialException"/>.
    /// </summary>
    PreparedSeed Prepare(Material material, string field);

    /// <summary>
    /// Variations for each request, in order. <paramref name="progress"/> (optional) hears the share done, 0–1, as
    /// long work (a whole song) goes through the model in passes; a generator that runs in one pass may say nothing.
    /// <paramref name="cancellationToken"/> stops the work at the generator's next check (between redraws, passes or
    /// outputs) with an <see cref="OperationCanceledException"/>: the host cancels a request whose client left or whose
    /// deadline passed, so its work does not go on after the answer.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Interpolations for each request, in order (both ends included); progress and cancellation as for <see cref="VaryMany"/>.</summary>
    IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Prior samples for each request, in order; progress and cancellation as for <see cref="VaryMany"/>.</summary>
    IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latent codes of <paramref name="seed"/> (posterior μ and σ of each row) with what <see cref="Decode"/> needs to
    /// give the seed's shape back. A modality whose codes mean nothing outside the model throws <see cref="NotSupportedException"/> (the default).
    /// </summary>
    LatentCodes Encode(PreparedSeed seed) =>
        throw new NotSupportedException($"{Model.Manifest.Modality} models do not write latent files; image models do.");

    /// <summary>
    /// Material decoded from <paramref name="codes"/>' means, one output per row, at <paramref name="temperature"/> with
    /// random numbers from <paramref name="rng"/>. Throws <see cref="ArgumentException"/> for codes of another shape than
    /// the model's; <see cref="NotSupportedException"/> as <see cref="Encode"/>.
    /// </summary>
    IReadOnlyList<Material> Decode(LatentCodes codes, double temperature, long rng) =>
        throw new NotSupportedException($"{Model.Manifest.Modality} models do not read latent files; image models do.");
}
