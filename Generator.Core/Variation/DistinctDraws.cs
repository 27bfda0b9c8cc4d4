namespace VaeCreative.Core.Variation;

/// <summary>
/// The one redraw loop for variations: outputs that copy their seed, or repeat an earlier output of the same request,
/// are drawn again (a bounded number of times, each attempt with fresh noise). Modalities compare what the user
/// gets — a stitched melody, a decoded string — through a key, so two token rows that differ only in padding count
/// as the same output.
/// </summary>
public static class DistinctDraws
{
    /// <summary>Redraw attempts before the remaining copies are kept (a model that can only copy its seed must still answer).</summary>
    public const int MaxRedraws = 8;

    /// <summary>
    /// Draws <paramref name="counts"/>[i] outputs for each request i with <paramref name="draw"/> (given counts per
    /// request and the attempt number, 0 first), then redraws copies. <paramref name="seedKeys"/>[i] is request i's seed
    /// key (null: no seed). <paramref name="unusable"/> marks outputs to redraw whatever their key (an empty text).
    /// With a null <paramref name="key"/> only unusable outputs are redrawn (repeats are kept, as prior samples are).
    /// Returns the outputs per request, in order. <paramref name="cancellationToken"/> is checked before each attempt
    /// (<see cref="OperationCanceledException"/>).
    /// </summary>
    public static List<T>[] Draw<T>(IReadOnlyList<int> counts, IReadOnlyList<string?> seedKeys, Func<int[], int, List<T>[]> draw, Func<T, string>? key,
        Func<T, bool>? unusable = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var results = draw(counts.ToArray(), 0);
        for (var attempt = 1; attempt <= MaxRedraws; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bad = new List<int>[counts.Count];
            for (var i = 0; i < counts.Count; i++)
            {
                var seen = Seen(seedKeys[i]);
                bad[i] = Enumerable.Range(0, results[i].Count).Where(v => !IsNew(results[i][v], seen, key, unusable)).ToList();
            }
            if (bad.All(b => b.Count == 0)) break;
            var redrawn = draw(bad.Select(b => b.Count).ToArray(), attempt);
            for (var i = 0; i < counts.Count; i++)
                for (var j = 0; j < bad[i].Count; j++) results[i][bad[i][j]] = redrawn[i][j];
        }
        return results;
    }

    /// <summary>
    /// The similarity a redraw attempt uses: the distance from the seed, 1 − similarity, grows by half its size per
    /// attempt (0.75 → 0.625 → 0.5 → …, never below 0), so a seed whose close neighbourhood holds few distinct outputs
    /// (a short line) still gives its count. Similarity 1 stays 1: the reconstruction is never moved.
    /// </summary>
    public static double AttemptSimilarity(double similarity, int attempt) =>
        Math.Max(0, 1 - (1 - similarity) * (1 + 0.5 * attempt));

    /// <summary>The keys a request's outputs must not repeat: its seed's, when it has one.</summary>
    private static HashSet<string> Seen(string? seedKey)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (seedKey is not null) seen.Add(seedKey);
        return seen;
    }

    /// <summary>
    /// Whether <paramref name="output"/> is usable and its key not in <paramref name="seen"/> (which it then joins); with no
    /// key only unusable outputs are redrawn.
    /// </summary>
    private static bool IsNew<T>(T output, HashSet<string> seen, Func<T, string>? key, Func<T, bool>? unusable) =>
        unusable?.Invoke(output) != true && (key is null || seen.Add(key(output)));

    /// <summary>The rng of a redraw attempt: request rng + attempt × a large prime, so attempts never share noise.</summary>
    public static long AttemptRng(long rng, int attempt) => unchecked(rng + attempt * 1_000_003L);
}
