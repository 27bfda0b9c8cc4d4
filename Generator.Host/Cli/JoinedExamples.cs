using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Host.Cli;

/// <summary>
/// Two data sets as one, <c>first</c>'s examples then <c>second</c>'s (eval's <c>--split all</c> over data that keeps
/// its own held-out part, such as Fashion-MNIST's t10k files). A batch that spans both joins the two parts' batches,
/// which needs them to be the same shape past the first dimension (fixed-size examples such as images).
/// </summary>
internal sealed class JoinedExamples(ITrainingData first, ITrainingData second) : ITrainingData
{
    public int Count => first.Count + second.Count;

    public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
    {
        var head = indices.Where(i => i < first.Count).ToArray();
        var tail = indices.Where(i => i >= first.Count).Select(i => i - first.Count).ToArray();
        if (tail.Length == 0) return first.Batch(indices, augmentation);
        if (head.Length == 0) return second.Batch(tail, augmentation);
        if (indices.Take(head.Length).Any(i => i >= first.Count))
            throw new ArgumentException("a batch spanning both parts must list the first part's examples first.", nameof(indices));
        var a = first.Batch(head, augmentation);
        var b = second.Batch(tail, augmentation);
        if (!a.shape.Skip(1).SequenceEqual(b.shape.Skip(1)))
            throw new InvalidOperationException($"the two parts' examples differ in shape ([{string.Join(", ", a.shape.Skip(1))}] and [{string.Join(", ", b.shape.Skip(1))}]); evaluate them one split at a time.");
        return cat([a, b], 0);
    }
}
