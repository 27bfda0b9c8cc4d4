using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>A fixed, indexable set of training examples that a modality adapter turns into model input.</summary>
public interface ITrainingData
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>
    /// The examples at <paramref name="indices"/> as one input batch on the CPU.
    /// <paramref name="augmentation"/> is non-null for training batches; adapters draw their
    /// augmentation (e.g. transposition) from it so runs are reproducible.
    /// </summary>
    Tensor Batch(IReadOnlyList<int> indices, Random? augmentation);
}
