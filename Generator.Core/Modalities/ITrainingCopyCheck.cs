namespace VaeCreative.Core.Modalities;

/// <summary>
/// A generator that can tell whether an output copies an example of its model's training data verbatim (text models
/// keep hashes of their training snippets), so <c>sample</c> can report memorisation.
/// </summary>
public interface ITrainingCopyCheck
{
    /// <summary>How many of <paramref name="outputs"/> copy a training example verbatim; null when the training data cannot be read here.</summary>
    int? CountCopies(IReadOnlyList<Material> outputs);
}
