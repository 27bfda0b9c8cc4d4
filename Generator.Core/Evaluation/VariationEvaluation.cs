using System.Diagnostics;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Evaluation;

/// <summary>
/// Measures what users judge, on seeds of any modality that offers <see cref="IVariationMeasures"/>: how close a
/// seed's reconstruction stays to it, how close its variations stay to it compared with an unrelated seed, whether they
/// are as clean as the seed, whether they differ from each other, and how long they take.
/// </summary>
/// <remarks>
/// Everything goes through the modality's own generator, as a user's requests do: a reconstruction is the first point
/// of an interpolation from the seed to itself (its posterior mean, decoded at temperature 0), and variations are
/// <see cref="IMaterialGenerator.VaryMany"/> with the given settings, one seed per call, timed from the seed's material
/// (prepared again) to the outputs before anything else has encoded that seed: the latency a user sees for a new seed.
/// </remarks>
public static class VariationEvaluation
{
    /// <summary>Seeds per batched call when measuring reconstructions and the curve.</summary>
    private const int Batch = 32;

    /// <summary>
    /// Measures <paramref name="seeds"/> (at least 2) on <paramref name="generator"/>; <paramref name="progress"/> hears
    /// the seeds done after each phase's seed; <paramref name="examples"/> seeds are returned with their outputs.
    /// </summary>
    public static VariationEvaluationResult Run(
        IMaterialGenerator generator, IReadOnlyList<Material> seeds, IVariationMeasures measures, VariationEvaluationOptions options,
        IProgress<string>? progress = null, int examples = 10, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (seeds.Count < 2)
            throw new ArgumentException($"variation figures need at least 2 seeds (each variation is also compared with an unrelated seed); got {seeds.Count}.");
        var n = seeds.Count;
        if (names is not null && names.Count != seeds.Count)
            throw new ArgumentException($"{names.Count} names for {seeds.Count} seeds.", nameof(names));
        // What a seed is called in messages: its file (and line), so a bad one is found.
        string Name(int i) => names?[i] ?? $"seed {i + 1}";
        var prepared = seeds.Select((s, i) => generator.Prepare(s, Name(i))).ToList();

        double toSeed = 0, toUnrelated = 0, distinct = 0;
        var figureNames = measures.FigureNames;
        var variationFigures = new FigureSums(figureNames);
        var reconstructionFigures = new FigureSums(figureNames);
        long clean = 0, total = 0;
        var latencies = new double[n];
        var variations = new List<IReadOnlyList<Material>>(n);
        // Variations first, each timed from its seed's text (prepared again) to its outputs: before any other pass has
        // encoded the seed, so the time is what a user asking about a new seed waits (no cached posterior).
        for (var i = 0; i < n; i++)
        {
            var clock = Stopwatch.StartNew();
            var seed = generator.Prepare(seeds[i], Name(i));
            var outputs = generator.VaryMany([new MaterialVariation(seed, options.Variation)])[0];
            latencies[i] = clock.Elapsed.TotalMilliseconds;
            variations.Add(outputs);
            toSeed += outputs.Average(o => measures.Similarity(o, seeds[i]));
            toUnrelated += outputs.Average(o => measures.Similarity(o, seeds[(i + 1) % n]));
            foreach (var o in outputs)
            {
                var (c, t) = measures.Clean(o, seeds[i]);
                clean += c;
                total += t;
                variationFigures.Add(measures.Figures(o, seeds[i]));
            }
            distinct += outputs.Select(Key).Distinct(StringComparer.Ordinal).Count();
            if ((i + 1) % 25 == 0 || i + 1 == n) progress?.Report($"variations: {i + 1}/{n}");
        }
        var reconstructions = new List<Material>(n);
        for (var start = 0; start < n; start += Batch)
        {
            var chunk = Enumerable.Range(start, Math.Min(Batch, n - start))
                .Select(i => new MaterialInterpolation(prepared[i], prepared[i], new InterpolateOptions { Steps = 2, Temperature = 0 })).ToList();
            reconstructions.AddRange(generator.InterpolateMany(chunk).Select(o => o[0]));
            progress?.Report($"reconstructions: {reconstructions.Count}/{n}");
        }

        long reconstructionClean = 0, reconstructionTotal = 0;
        for (var i = 0; i < n; i++)
        {
            var (c, t) = measures.Clean(reconstructions[i], seeds[i]);
            reconstructionClean += c;
            reconstructionTotal += t;
            reconstructionFigures.Add(measures.Figures(reconstructions[i], seeds[i]));
        }

        var curve = new List<(double, double)>();
        foreach (var similarity in options.Curve)
        {
            var sum = 0.0;
            for (var start = 0; start < n; start += Batch)
            {
                var indices = Enumerable.Range(start, Math.Min(Batch, n - start)).ToList();
                var outputs = generator.VaryMany(indices.Select(i => new MaterialVariation(prepared[i], options.Variation with { Similarity = similarity })).ToList());
                sum += indices.Select((i, k) => outputs[k].Average(o => measures.Similarity(o, seeds[i]))).Sum();
            }
            curve.Add((similarity, sum / n));
            progress?.Report(FormattableString.Invariant($"curve: similarity {similarity}"));
        }

        Array.Sort(latencies);
        return new VariationEvaluationResult(
            n,
            Enumerable.Range(0, n).Average(i => measures.Similarity(reconstructions[i], seeds[i])),
            toSeed / n,
            toUnrelated / n,
            total == 0 ? 1 : clean / (double)total,
            reconstructionTotal == 0 ? 1 : reconstructionClean / (double)reconstructionTotal,
            distinct / n,
            options.Variation.Count,
            n % 2 == 1 ? latencies[n / 2] : (latencies[n / 2 - 1] + latencies[n / 2]) / 2,
            latencies[(int)Math.Ceiling(0.9 * n) - 1],
            curve,
            Enumerable.Range(0, Math.Min(examples, n)).Select(i => new VariationExample(Key(seeds[i]), Key(reconstructions[i]), variations[i].Select(Key).ToList())).ToList(),
            figureNames.SelectMany((name, k) => new[]
            {
                KeyValuePair.Create($"reconstruction_{name}", reconstructionFigures.Mean(k)),
                KeyValuePair.Create($"variation_{name}", variationFigures.Mean(k)),
            }).ToDictionary(StringComparer.Ordinal));
    }

    /// <summary>Sums of the measures' further figures, each over the outputs it applies to (NaN where it does not).</summary>
    private sealed class FigureSums(IReadOnlyList<string> names)
    {
        private readonly double[] sums = new double[names.Count];
        private readonly long[] counts = new long[names.Count];

        public void Add(IReadOnlyList<double> figures)
        {
            if (figures.Count != names.Count)
                throw new InvalidOperationException($"the measures named {names.Count} figures but gave {figures.Count}.");
            for (var k = 0; k < sums.Length; k++)
            {
                if (double.IsNaN(figures[k])) continue;
                sums[k] += figures[k];
                counts[k]++;
            }
        }

        /// <summary>The mean of figure <paramref name="k"/>; NaN when it applied to no output.</summary>
        public double Mean(int k) => counts[k] == 0 ? double.NaN : sums[k] / counts[k];
    }

    /// <summary>A material as one string: its text, or its media type and a digest of its bytes.</summary>
    private static string Key(Material m) =>
        m.Text ?? $"{m.MediaType} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Data ?? []))}";
}
