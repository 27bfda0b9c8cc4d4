using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Core.Validation;
using static TorchSharp.torch;

namespace VaeCreative.Audio.Melodies;

/// <summary>Settings for <see cref="MelodyGenerator.Vary"/>.</summary>
public sealed record VaryOptions
{
    /// <summary>Number of variations. Default 8. Range 1–256.</summary>
    public int Count { get; init; } = 8;

    /// <summary>1 keeps the seed's latent mean, 0 draws from the prior. Default 0.75. Range 0–1.</summary>
    public double Similarity { get; init; } = 0.75;

    /// <summary>Decoding temperature; 0 is argmax. Default 0.5. Range 0–10.</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>Random seed; the same seed gives the same variations. Default 0.</summary>
    public long Rng { get; init; }

    /// <summary>Inference precision. Default float32.</summary>
    public InferencePrecision Precision { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public VaryOptions Validate()
    {
        Preconditions.InRange(Count, 1, 256, "count");
        Preconditions.InRange(Similarity, 0, 1, "similarity");
        Preconditions.InRange(Temperature, 0, 10, "temperature");
        return this;
    }
}

/// <summary>One request of <see cref="MelodyGenerator.VaryMany"/>.</summary>
/// <param name="Seed">The melody to vary.</param>
/// <param name="Options">How many variations and how.</param>
public sealed record MelodyVariationRequest(Melody Seed, VaryOptions Options);

/// <summary>One request of <see cref="MelodyGenerator.InterpolateMany"/>.</summary>
/// <param name="From">Start melody.</param>
/// <param name="To">End melody.</param>
/// <param name="Steps">Melodies including both ends (2–1000).</param>
/// <param name="Temperature">Decoding temperature (0–10).</param>
/// <param name="Rng">Random seed.</param>
public sealed record MelodyInterpolationRequest(Melody From, Melody To, int Steps, double Temperature, long Rng)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public MelodyInterpolationRequest Validate()
    {
        Preconditions.InRange(Steps, 2, 1000, "steps");
        Preconditions.InRange(Temperature, 0, 10, "temperature");
        return this;
    }
}

/// <summary>One request of <see cref="MelodyGenerator.SampleMany"/>.</summary>
/// <param name="Count">Melodies wanted (1–1024).</param>
/// <param name="Temperature">Decoding temperature (0–10).</param>
/// <param name="Rng">Random seed.</param>
/// <param name="TempoQpm">Tempo written into the melodies.</param>
public sealed record MelodySampleRequest(int Count, double Temperature, long Rng, double TempoQpm = 120)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public MelodySampleRequest Validate()
    {
        Preconditions.InRange(Count, 1, 1024, "count");
        Preconditions.InRange(Temperature, 0, 10, "temperature");
        return this;
    }
}

/// <summary>
/// Melody variations, interpolations and samples: turns melodies into model windows, runs the
/// modality-free <see cref="Core.Variation.VariationEngine"/>, and stitches the windows back to melodies.
/// </summary>
public sealed class MelodyGenerator
{
    /// <summary>Longest seed varied (in 4/4 bars).</summary>
    public const int MaxSeedBars = 64;

    /// <summary><see cref="MaxSeedBars"/> in steps: what readers pass as their limit, so a longer seed is refused before it is built.</summary>
    public const int MaxSeedSteps = MaxSeedBars * MelodyEncoding.StepsPerBar;

    private readonly ModelStore store;

    /// <summary>Creates the generator over a model store.</summary>
    public MelodyGenerator(ModelStore store) => this.store = store;

    /// <summary>The melody model in <paramref name="modelDirectory"/>, or the default one.</summary>
    public LoadedModel Model(string? modelDirectory, InferencePrecision precision = InferencePrecision.Float32)
    {
        var model = store.Get(modelDirectory, MelodyModality.Name, precision);
        MelodyModality.CheckCompatible(model.Manifest, model.Directory);
        return model;
    }

    /// <summary>Variations of <paramref name="seed"/>, each as long as the seed, varied window by window.</summary>
    public IReadOnlyList<Melody> Vary(Melody seed, VaryOptions options, string? modelDirectory = null) =>
        VaryMany([new MelodyVariationRequest(seed, options)], modelDirectory)[0];

    /// <summary>
    /// Variations for several requests on one model, encoded and decoded together (what a server does with
    /// requests that arrive at the same time). Each request's result is the same as <see cref="Vary"/> gives it alone.
    /// All requests must ask for the same <see cref="VaryOptions.Precision"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Melody>> VaryMany(IReadOnlyList<MelodyVariationRequest> requests, string? modelDirectory = null)
    {
        if (requests.Count == 0) return [];
        var precision = requests[0].Options.Precision;
        foreach (var r in requests)
        {
            r.Options.Validate();
            CheckSeed(r.Seed);
            if (r.Options.Precision != precision) throw new ArgumentException("all requests of one batch must use the same precision.");
        }
        var engine = Model(modelDirectory, precision).Engine;
        var chunks = requests.Select(r => MelodyWindows.Chunks(r.Seed)).ToArray();
        using var scope = NewDisposeScope();
        var seeds = chunks.Select(ToTensor).ToArray();
        var results = Draw(requests.Select(r => r.Options.Count).ToArray(), attempt: 0);
        // The engine rejects copies window by window; after cutting to the seed's length two outputs can
        // still coincide (they differed only in padding), so check again on the melodies themselves.
        for (var attempt = 1; attempt <= MaxRedraws; attempt++)
        {
            var bad = new List<int>[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                var seen = new HashSet<string> { Key(requests[i].Seed.Tokens) };
                bad[i] = Enumerable.Range(0, results[i].Count).Where(v => !seen.Add(Key(results[i][v].Tokens))).ToList();
            }
            if (bad.All(b => b.Count == 0)) break;
            var redrawn = Draw(bad.Select(b => b.Count).ToArray(), attempt);
            for (var i = 0; i < requests.Count; i++)
                for (var j = 0; j < bad[i].Count; j++) results[i][bad[i][j]] = redrawn[i][j];
        }
        return results;

        List<Melody>[] Draw(int[] counts, int attempt)
        {
            using var inner = NewDisposeScope();
            var active = Enumerable.Range(0, requests.Count).Where(i => counts[i] > 0).ToArray();
            var batch = active.Select(i => new VariationRequest(seeds[i], counts[i], requests[i].Options.Similarity,
                requests[i].Options.Temperature, unchecked(requests[i].Options.Rng + attempt * 1_000_003L))).ToArray();
            var outputs = engine.VaryBatch(batch);
            var drawn = new List<Melody>[requests.Count];
            for (var i = 0; i < requests.Count; i++) drawn[i] = [];
            for (var k = 0; k < active.Length; k++)
            {
                var i = active[k];
                var seed = requests[i].Seed;
                drawn[i] = Split(outputs[k], chunks[i].Length, counts[i]).Select(w => seed.WithTokens(MelodyWindows.Stitch(w, seed.Steps))).ToList();
            }
            return drawn;
        }
    }

    private const int MaxRedraws = 8;

    private static string Key(IReadOnlyList<int> tokens) => string.Join(',', tokens);

    /// <summary>
    /// <paramref name="steps"/> melodies from <paramref name="from"/> to <paramref name="to"/> (inclusive), by slerp
    /// between posterior means; the ends are cut to the shorter melody's length.
    /// </summary>
    public IReadOnlyList<Melody> Interpolate(Melody from, Melody to, int steps, double temperature = 0, long rng = 0, string? modelDirectory = null,
        InferencePrecision precision = InferencePrecision.Float32) =>
        InterpolateMany([new MelodyInterpolationRequest(from, to, steps, temperature, rng)], modelDirectory, precision)[0];

    /// <summary>Interpolations for several requests on one model in one encode and one decode pass.</summary>
    public IReadOnlyList<IReadOnlyList<Melody>> InterpolateMany(IReadOnlyList<MelodyInterpolationRequest> requests, string? modelDirectory = null,
        InferencePrecision precision = InferencePrecision.Float32)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests)
        {
            r.Validate();
            CheckSeed(r.From);
            CheckSeed(r.To);
        }
        var engine = Model(modelDirectory, precision).Engine;
        using var scope = NewDisposeScope();
        var lengths = requests.Select(r => Math.Min(r.From.Steps, r.To.Steps)).ToArray();
        var ends = requests.Select((r, i) => (
            A: MelodyWindows.Chunks(r.From.WithTokens(r.From.Tokens.Take(lengths[i]).ToArray())),
            B: MelodyWindows.Chunks(r.To.WithTokens(r.To.Tokens.Take(lengths[i]).ToArray())))).ToArray();
        var outputs = engine.InterpolateBatch(requests.Select((r, i) =>
            new InterpolationRequest(ToTensor(ends[i].A), ToTensor(ends[i].B), r.Steps, r.Temperature, r.Rng)).ToArray());
        return requests.Select((r, i) => (IReadOnlyList<Melody>)Split(outputs[i], ends[i].A.Length, r.Steps)
            .Select(w => r.From.WithTokens(MelodyWindows.Stitch(w, lengths[i]))).ToList()).ToList();
    }

    /// <summary><paramref name="count"/> new 2-bar melodies from the prior.</summary>
    public IReadOnlyList<Melody> Sample(int count, double temperature = 0.5, long rng = 0, double tempoQpm = 120, string? modelDirectory = null,
        InferencePrecision precision = InferencePrecision.Float32) =>
        SampleMany([new MelodySampleRequest(count, temperature, rng, tempoQpm)], modelDirectory, precision)[0];

    /// <summary>Prior samples for several requests on one model in one decode pass.</summary>
    public IReadOnlyList<IReadOnlyList<Melody>> SampleMany(IReadOnlyList<MelodySampleRequest> requests, string? modelDirectory = null,
        InferencePrecision precision = InferencePrecision.Float32)
    {
        if (requests.Count == 0) return [];
        foreach (var r in requests) r.Validate();
        var engine = Model(modelDirectory, precision).Engine;
        using var scope = NewDisposeScope();
        var outputs = engine.SampleBatch(requests.Select(r => new SampleRequest(r.Count, r.Temperature, r.Rng)).ToArray());
        return requests.Select((r, i) => (IReadOnlyList<Melody>)Split(outputs[i], 1, r.Count).Select(w => new Melody(w[0], r.TempoQpm)).ToList()).ToList();
    }

    private static void CheckSeed(Melody seed)
    {
        if (seed.NoteCount == 0) throw new ArgumentException("the seed melody has no notes.");
        var bars = (seed.Steps + MelodyEncoding.StepsPerBar - 1) / MelodyEncoding.StepsPerBar;
        if (bars > MaxSeedBars)
            throw new ArgumentException($"the seed melody is {bars} bars long (4/4 bars of 16 steps); the limit is {MaxSeedBars}.");
    }

    private static Tensor ToTensor(int[][] chunks)
    {
        var w = MelodyEncoding.WindowSteps;
        var data = new long[chunks.Length * w];
        for (var c = 0; c < chunks.Length; c++)
            for (var t = 0; t < w; t++) data[c * w + t] = chunks[c][t];
        return tensor(data, new long[] { chunks.Length, w });
    }

    /// <summary>Splits [groups × chunks, steps] token output into groups of windows.</summary>
    private static List<int[][]> Split(Tensor output, int chunks, int groups)
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
