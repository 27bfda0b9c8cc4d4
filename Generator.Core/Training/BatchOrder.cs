namespace VaeCreative.Core.Training;

/// <summary>
/// Which examples each training step takes: epoch after epoch, a fresh permutation of the training set (seeded by the
/// run's seed and the epoch through <see cref="StableSeed"/>, so the same in every process), cut into consecutive
/// batches that run on across epoch boundaries. The trainer draws its batches here; the benchmark exports the same
/// order for the PyTorch twin, so both sides train on identical batches.
/// </summary>
public sealed class BatchOrder
{
    private readonly long seed;
    private readonly Dictionary<long, int[]> permutations = new();

    /// <summary>The order of a run with seed <paramref name="seed"/>, batches of <paramref name="batchSize"/> from <paramref name="count"/> examples.</summary>
    public BatchOrder(long seed, int batchSize, int count)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be at least 1.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the training set must hold at least one example.");
        this.seed = seed;
        BatchSize = batchSize;
        Count = count;
    }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Examples in the training set.</summary>
    public int Count { get; }

    /// <summary>The indices of the examples step <paramref name="step"/> (from 0) trains on.</summary>
    public int[] Indices(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var result = new int[BatchSize];
        for (var i = 0; i < result.Length; i++)
        {
            var position = step * BatchSize + i;
            result[i] = Permutation(position / Count)[position % Count];
        }
        return result;
    }

    private int[] Permutation(long epoch)
    {
        if (permutations.TryGetValue(epoch, out var p)) return p;
        if (permutations.Count > 4) permutations.Clear(); // a batch spans at most two epochs unless batches outnumber examples
        p = Enumerable.Range(0, Count).ToArray();
        new Random(StableSeed.DeriveInt32(seed, StableSeed.DataOrder, epoch)).Shuffle(p);
        permutations[epoch] = p;
        return p;
    }
}
