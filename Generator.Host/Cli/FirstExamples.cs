using VaeCreative.Core.Training;

namespace VaeCreative.Host.Cli;

/// <summary>The first <c>count</c> examples of a data set (eval's <c>--max-examples</c>).</summary>
internal sealed class FirstExamples(ITrainingData inner, int count) : ITrainingData
{
    public int Count { get; } = Math.Min(count, inner.Count);

    public TorchSharp.torch.Tensor Batch(IReadOnlyList<int> indices, Random? augmentation) => inner.Batch(indices, augmentation);
}
