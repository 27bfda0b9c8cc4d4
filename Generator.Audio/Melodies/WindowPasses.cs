using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// Token windows through the model in passes, for every step-sequence generator of the audio modalities (melodies,
/// drums): long songs go through <see cref="WindowsPerPass"/> windows per seed at a time, which bounds memory and
/// lets callers show progress.
/// </summary>
internal static class WindowPasses
{
    /// <summary>
    /// Windows of one seed decoded per model pass (32 bars of 4/4); each pass's noise comes from the request's rng and
    /// the pass number alone, so a song's outputs do not depend on what it was batched with.
    /// </summary>
    public const int WindowsPerPass = 16;

    /// <summary>
    /// Runs seeds' windows through the model in passes of <see cref="WindowsPerPass"/> windows per seed (all seeds that
    /// still have windows share a pass). <paramref name="request"/> makes seed i's engine request for pass p from its
    /// windows there; <paramref name="run"/> runs one pass's requests in one batch and returns [outputs × windows, steps]
    /// tensors. Returns, per seed, <c>outputs</c> lists of its windows' tokens.
    /// </summary>
    public static List<int[][]>[] Run<TRequest>(IReadOnlyList<(int[][] Windows, int Outputs)> seeds, Func<int, int, Tensor, TRequest> request,
        Func<IReadOnlyList<TRequest>, Tensor[]> run, IProgress<double>? progress, long totalRows)
    {
        var results = seeds.Select(s => Enumerable.Range(0, s.Outputs).Select(_ => new int[s.Windows.Length][]).ToList()).ToArray();
        var passes = seeds.Where(s => s.Outputs > 0).Select(s => (s.Windows.Length + WindowsPerPass - 1) / WindowsPerPass).DefaultIfEmpty(0).Max();
        long done = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            using var inner = NewDisposeScope();
            var active = Enumerable.Range(0, seeds.Count).Where(i => seeds[i].Outputs > 0 && seeds[i].Windows.Length > pass * WindowsPerPass).ToArray();
            var starts = active.Select(i => pass * WindowsPerPass).ToArray();
            var lengths = active.Select(i => Math.Min(WindowsPerPass, seeds[i].Windows.Length - pass * WindowsPerPass)).ToArray();
            var batch = active.Select((i, k) => request(i, pass, ToTensor(seeds[i].Windows.Skip(starts[k]).Take(lengths[k]).ToArray()))).ToList();
            var outputs = run(batch);
            for (var k = 0; k < active.Length; k++)
            {
                var i = active[k];
                var split = Split(outputs[k], lengths[k], seeds[i].Outputs);
                for (var o = 0; o < seeds[i].Outputs; o++)
                    Array.Copy(split[o], 0, results[i][o], starts[k], lengths[k]);
                done += (long)lengths[k] * seeds[i].Outputs;
            }
            progress?.Report(totalRows == 0 ? 1 : Math.Min(1, (double)done / totalRows));
        }
        return results;
    }

    /// <summary>The rng of pass <paramref name="pass"/>: the request's own for the first (so short seeds vary as they always did), derived for later ones.</summary>
    public static long Rng(long rng, int pass) => pass == 0 ? rng : StableSeed.Derive(rng, 0x6D656C6F /* "melo" */, pass);

    /// <summary>Windows of tokens as one [windows, steps] int64 tensor (the windows' own length: 32 steps for 2-bar models).</summary>
    public static Tensor ToTensor(IReadOnlyList<int[]> chunks)
    {
        var w = chunks.Count == 0 ? MelodyEncoding.WindowSteps : chunks[0].Length;
        var data = new long[chunks.Count * w];
        for (var c = 0; c < chunks.Count; c++)
            for (var t = 0; t < w; t++) data[c * w + t] = chunks[c][t];
        return tensor(data, new long[] { chunks.Count, w });
    }

    /// <summary>Splits [groups × chunks, steps] token output into groups of windows.</summary>
    public static List<int[][]> Split(Tensor output, int chunks, int groups)
    {
        var flat = output.to(ScalarType.Int64).data<long>().ToArray();
        var w = (int)output.shape[1];
        var result = new List<int[][]>(groups);
        for (var g = 0; g < groups; g++)
        {
            var windows = new int[chunks][];
            for (var c = 0; c < chunks; c++)
            {
                windows[c] = new int[w];
                for (var t = 0; t < w; t++) windows[c][t] = (int)flat[((g * chunks) + c) * w + t];
            }
            result.Add(windows);
        }
        return result;
    }
}
