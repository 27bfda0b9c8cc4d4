using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Validation;
using static TorchSharp.torch;

namespace VaeCreative.Core.Variation;

/// <summary>
/// Modality-free generation on a trained VAE: encode, decode, sample, interpolate and vary.
/// Inputs are model-ready batches (a seed may span several rows, e.g. the 2-bar chunks of a longer melody);
/// every call is one batched decode, runs under inference mode in its own dispose scope, and is
/// deterministic for a given rng. Returned tensors belong to the caller's dispose scope.
/// Calls are serialised: a TorchSharp module is not safe for concurrent use.
/// </summary>
public sealed class VariationEngine : IDisposable
{
    private const int MaxRedraws = 8;
    private readonly Lock gate = new();
    private readonly NativeHeapTrimmer trimmer = new();
    private readonly PosteriorMeanCache meanCache;

    /// <summary>Wraps <paramref name="model"/>, whose weights live on <paramref name="device"/> (float32, or bfloat16 after <c>Module.to(BFloat16)</c>).</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="device">Where its weights live.</param>
    /// <param name="meanCacheCapacity">Seeds whose posterior means are kept (default 256; 0 encodes every time).</param>
    public VariationEngine(IVaeModel model, Device device, int meanCacheCapacity = 256)
    {
        meanCache = new PosteriorMeanCache(meanCacheCapacity);
        Model = model;
        Device = device;
        // Read once: the weights' type decides the type of the noise and codes each request feeds in.
        DType = model.Module.parameters().First().dtype;
        Neighbourhood = model.Neighbourhood;
    }

    /// <summary>
    /// Where variations are drawn (default: the model's <see cref="IVaeModel.Neighbourhood"/>). Settable for measuring
    /// one against the other (<c>eval --variations --neighbourhood</c>); set it before use, not while requests run.
    /// </summary>
    public VariationNeighbourhood Neighbourhood
    {
        get => neighbourhood;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "unknown neighbourhood.");
            lock (gate)
            {
                // Cached entries hold σ only in the posterior neighbourhood: start afresh.
                if (value != neighbourhood) meanCache.Clear();
                neighbourhood = value;
            }
        }
    }

    private VariationNeighbourhood neighbourhood;

    /// <summary>The model.</summary>
    public IVaeModel Model { get; }

    /// <summary>Posterior means of recent seeds (repeat requests for the same seed skip the encoder).</summary>
    public PosteriorMeanCache MeanCache => meanCache;

    /// <summary>Frees the cached means (the model belongs to the caller).</summary>
    public void Dispose()
    {
        lock (gate) meanCache.Dispose();
    }

    /// <summary>Where the model runs.</summary>
    public Device Device { get; }

    /// <summary>The floating-point type of the model's weights (float32, or bfloat16 for faster CPU inference).</summary>
    public ScalarType DType { get; }

    /// <summary>μ and σ of q(z|x) for each row of <paramref name="input"/>, on the CPU.</summary>
    public (Tensor Mean, Tensor StdDev) Encode(Tensor input)
    {
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var posterior = Model.Encode(input.to(Device));
            return scope.MoveToOuter(AsFloat32(posterior.Mean).cpu(), AsFloat32(posterior.StdDev).cpu());
        }
    }

    /// <summary>Decodes each row of <paramref name="z"/>.</summary>
    public Tensor Decode(Tensor z, double temperature = 0, long rng = 0)
    {
        CheckTemperature(temperature);
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            using var generator = new Generator((ulong)rng, Device);
            var result = Model.Generate(InModelType(z.to(Device)), new GenerationSettings(temperature, generator)).cpu();
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <summary><paramref name="count"/> draws from the prior, decoded. The same as a one-request <see cref="SampleBatch"/>.</summary>
    public Tensor Sample(int count, double temperature = 0.5, long rng = 0) =>
        SampleBatch([new SampleRequest(count, temperature, rng)])[0];

    /// <summary>
    /// Prior samples for several requests in one decode pass (N(0, I) noise, which a model with a learned
    /// <see cref="IVaeModel.Prior"/> turns into its prior's codes as it decodes: <see cref="GenerationSettings.PriorNoise"/>); each request's random numbers come from its own
    /// generator, so its outputs do not depend on the batch. Returns one [count, …] tensor per request.
    /// </summary>
    public Tensor[] SampleBatch(IReadOnlyList<SampleRequest> requests)
    {
        Preconditions.InRange(requests.Count, 1, 10_000, "requests");
        foreach (var r in requests)
        {
            GenerationLimits.CheckCount(r.Count);
            CheckDecoding(r.Temperature, r.TopP);
        }
        return RunBatch(requests.Select(r => r.Rng), generators =>
        {
            var noise = requests.Select((r, i) =>
                InModelType(randn([r.Count, .. Model.LatentShape], device: Device, generator: generators[i]))).ToArray();
            return DecodeRows(noise, requests.Select(r => (r.Temperature, r.TopP)).ToArray(), generators, priorNoise: true);
        });
    }

    /// <summary>
    /// Interpolates from <paramref name="from"/> to <paramref name="to"/> (both [chunks, …], same chunk count)
    /// by slerp between their posterior means; <paramref name="steps"/> ≥ 2 points including both ends.
    /// Returns [steps × chunks, …], step-major. The same as a one-request <see cref="InterpolateBatch"/>.
    /// </summary>
    public Tensor Interpolate(Tensor from, Tensor to, int steps, double temperature = 0, long rng = 0) =>
        InterpolateBatch([new InterpolationRequest(from, to, steps, temperature, rng)])[0];

    /// <summary>Interpolations for several requests: one encode pass for all ends and one decode pass.</summary>
    public Tensor[] InterpolateBatch(IReadOnlyList<InterpolationRequest> requests)
    {
        Preconditions.InRange(requests.Count, 1, 10_000, "requests");
        foreach (var r in requests)
        {
            Preconditions.InRange(r.Steps, GenerationLimits.MinSteps, GenerationLimits.MaxCount, "steps");
            CheckDecoding(r.Temperature, r.TopP);
            if (r.From.shape[0] != r.To.shape[0])
                throw new ArgumentException($"both ends must have the same number of chunks ({r.From.shape[0]} vs {r.To.shape[0]}).");
        }
        return RunBatch(requests.Select(r => r.Rng), generators =>
        {
            var means = Means(requests.SelectMany(r => new[] { r.From, r.To }).ToArray());
            var codes = new Tensor[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                var (a, b, steps) = (means[2 * i], means[2 * i + 1], requests[i].Steps);
                codes[i] = cat(Enumerable.Range(0, steps).Select(k => Slerp.Interpolate(a, b, (double)k / (steps - 1))).ToArray(), 0);
            }
            var seeds = requests.Select(r => Repeated(cat([r.From.cpu(), r.To.cpu()], 1), r.Steps)).ToArray();
            return DecodeRows(codes, requests.Select(r => (r.Temperature, r.TopP)).ToArray(), generators, seeds);
        });
    }

    /// <summary>
    /// <paramref name="count"/> variations of a seed given as [chunks, …]. Each chunk's code is drawn around its
    /// posterior mean μ as <see cref="Neighbourhood"/> says: slerp(μ, ε, 1 − similarity) with ε ~ N(0, I) (similarity 1
    /// keeps μ, 0 is a fresh prior draw), or μ + <see cref="VariationNeighbourhood.PosteriorNoise"/>'s spread × (1 −
    /// similarity) × σ ⊙ ε (similarity 1 keeps μ; the seed's uncertain parts move first).
    /// All count × chunks codes decode in one pass. When <paramref name="rejectCopies"/> is set, a variation that
    /// reproduces the seed exactly, or duplicates an earlier variation, is redrawn (a bounded number of times).
    /// Returns [count × chunks, …], variation-major. The same as a one-request <see cref="VaryBatch"/>.
    /// </summary>
    public Tensor Vary(Tensor seed, int count, double similarity, double temperature, long rng, bool rejectCopies = true) =>
        VaryBatch([new VariationRequest(seed, count, similarity, temperature, rng)], rejectCopies)[0];

    /// <summary>
    /// Variations for several requests (different seeds and settings) in one encode and one decode pass.
    /// Every random number a request uses comes from its own generator seeded with its rng, so its outputs are
    /// the same whether it runs alone or batched with others. Returns one tensor per request, as <see cref="Vary"/>.
    /// </summary>
    public Tensor[] VaryBatch(IReadOnlyList<VariationRequest> requests, bool rejectCopies = true)
    {
        Preconditions.InRange(requests.Count, 1, 10_000, "requests");
        foreach (var r in requests)
        {
            GenerationLimits.CheckCount(r.Count);
            Preconditions.InRange(r.Similarity, 0, 1, "similarity");
            CheckDecoding(r.Temperature, r.TopP);
            if (r.Shift is { } shift && shift.Length != Model.LatentSize)
                throw new ArgumentException($"the shift has {shift.Length} entries; the latent space has {Model.LatentSize}.");
        }
        return RunBatch(requests.Select(r => r.Rng), generators =>
        {
            var chunks = requests.Select(r => r.Seed.shape[0]).ToArray();
            var posteriors = Posteriors(requests.Select(r => r.Seed).ToArray());
            var seedsCpu = requests.Select(r => r.Seed.cpu()).ToArray();

            Tensor[] Draw(int[] counts)
            {
                var codes = new Tensor?[requests.Count];
                for (var i = 0; i < requests.Count; i++)
                {
                    if (counts[i] == 0) continue;
                    var m = Repeated(posteriors[i].Mean, counts[i]);
                    var noise = InModelType(randn(m.shape, device: Device, generator: generators[i]));
                    if (posteriors[i].StdDev is { } sigma)
                    {
                        using var scale = (PosteriorNoiseSpread * (1.0 - requests[i].Similarity)).ToScalar();
                        codes[i] = m.add(Repeated(sigma, counts[i]).mul(noise), scale);
                    }
                    else
                    {
                        codes[i] = Slerp.Interpolate(m, noise, 1.0 - requests[i].Similarity);
                    }
                    if (requests[i].Shift is { } shift) codes[i] = codes[i]! + InModelType(tensor(shift).to(Device));
                }
                var seeds = requests.Select((r, i) => counts[i] == 0 ? null : Repeated(seedsCpu[i], counts[i])).ToArray();
                return DecodeRows(codes, requests.Select(r => (r.Temperature, r.TopP)).ToArray(), generators, seeds);
            }

            var outputs = Draw(requests.Select(r => r.Count).ToArray());
            for (var attempt = 0; rejectCopies && attempt < MaxRedraws; attempt++)
            {
                var bad = requests.Select((r, i) => Rejected(outputs[i], seedsCpu[i], r.Count, chunks[i])).ToArray();
                if (bad.All(b => b.Count == 0)) break;
                var redrawn = Draw(bad.Select(b => b.Count).ToArray());
                for (var i = 0; i < requests.Count; i++)
                {
                    if (bad[i].Count == 0) continue;
                    var rows = outputs[i].split(chunks[i], 0).ToArray();
                    for (var j = 0; j < bad[i].Count; j++)
                        rows[bad[i][j]] = redrawn[i].narrow(0, j * chunks[i], chunks[i]);
                    outputs[i] = cat(rows, 0);
                }
            }
            return outputs;
        });
    }

    /// <summary>
    /// The frame every batched call shares: under the lock, in inference mode and a dispose scope, with one random
    /// generator per request seeded by its rng; the returned tensors move to the caller's scope.
    /// </summary>
    private Tensor[] RunBatch(IEnumerable<long> rngs, Func<Generator[], Tensor[]> body)
    {
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var generators = rngs.Select(rng => new Generator((ulong)rng, Device)).ToArray();
            try
            {
                var outputs = body(generators);
                scope.MoveToOuter(outputs);
                return outputs;
            }
            finally
            {
                foreach (var g in generators) g.Dispose();
            }
        }
    }

    /// <summary>
    /// Posterior means of <paramref name="inputs"/>: from the cache where seen before, the rest (each distinct input
    /// once) in one encoder pass. Call under the lock, in inference mode.
    /// </summary>
    private Tensor[] Means(Tensor[] inputs) => Posteriors(inputs).Select(p => p.Mean).ToArray();

    /// <summary>
    /// How far <see cref="VariationNeighbourhood.PosteriorNoise"/> reaches at similarity 0, in posterior standard
    /// deviations: at the default similarity 0.75 a variation is about one posterior draw (0.25 × 4 = 1) away.
    /// </summary>
    public const double PosteriorNoiseSpread = 4.0;

    /// <summary>
    /// Posterior means of <paramref name="inputs"/>, with their standard deviations when the neighbourhood needs them
    /// (<see cref="VariationNeighbourhood.PosteriorNoise"/>); cached as <see cref="Means"/> says. Call under the lock,
    /// in inference mode.
    /// </summary>
    private (Tensor Mean, Tensor? StdDev)[] Posteriors(Tensor[] inputs)
    {
        var withStdDev = neighbourhood == VariationNeighbourhood.PosteriorNoise;
        var keys = inputs.Select(PosteriorMeanCache.KeyOf).ToArray();
        var result = new (Tensor Mean, Tensor? StdDev)[inputs.Length];
        var missing = new Dictionary<PosteriorMeanCache.Key, List<int>>();
        for (var i = 0; i < inputs.Length; i++)
        {
            if (meanCache.Get(keys[i]) is { } cached) result[i] = Split(cached.alias());
            else if (missing.TryGetValue(keys[i], out var same)) same.Add(i);
            else missing[keys[i]] = [i];
        }
        if (missing.Count > 0)
        {
            var first = missing.Values.Select(l => l[0]).ToArray();
            var posterior = Model.Encode(cat(first.Select(i => inputs[i].to(Device)).ToArray(), 0));
            // Cached as one tensor: μ alone, or μ and σ stacked [2, chunks, latent].
            var entries = (withStdDev ? stack([posterior.Mean, posterior.StdDev]) : posterior.Mean)
                .split(first.Select(i => inputs[i].shape[0]).ToArray(), withStdDev ? 1 : 0);
            var k = 0;
            foreach (var (key, indices) in missing)
            {
                meanCache.Put(key, entries[k]);
                foreach (var i in indices) result[i] = Split(entries[k]);
                k++;
            }
        }
        return result;

        (Tensor Mean, Tensor? StdDev) Split(Tensor entry) => withStdDev ? (entry[0], entry[1]) : (entry, null);
    }

    /// <summary>
    /// Decodes every request's codes in one pass, each row sampling from uniform noise drawn from its own request's
    /// generator (after whatever that generator drew before), so a request's outputs do not depend on its batch.
    /// A null entry decodes nothing and returns an empty tensor.
    /// </summary>
    /// <remarks>
    /// <paramref name="seeds"/> (null for prior samples) holds, per request, the seed of each of its rows, passed to the
    /// model as <see cref="GenerationSettings.SeedRows"/>.
    /// </remarks>
    private Tensor[] DecodeRows(IReadOnlyList<Tensor?> codes, IReadOnlyList<(double Temperature, double TopP)> decoding, Generator[] generators,
        IReadOnlyList<Tensor?>? seeds = null, bool priorNoise = false)
    {
        var z = new List<Tensor>();
        var uniforms = new List<Tensor>();
        var rowTemperatures = new List<Tensor>();
        var rowTopPs = new List<Tensor>();
        var nucleus = decoding.Any(d => d.TopP < 1);
        var sizes = new List<long>();
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] is not { } c) continue;
            var rows = c.shape[0];
            z.Add(c);
            uniforms.Add(rand([rows, .. Model.RowNoiseShapeOf(c)], device: Device, generator: generators[i]));
            using var temperature = decoding[i].Temperature.ToScalar(); // held, not temporary: see Scalars
            rowTemperatures.Add(full(rows, temperature, device: Device));
            using var topP = decoding[i].TopP.ToScalar();
            if (nucleus) rowTopPs.Add(full(rows, topP, device: Device));
            sizes.Add(rows);
        }
        var seedRows = seeds is null ? null : cat(seeds.Where((_, i) => codes[i] is not null).Select(t => t!).ToArray(), 0);
        var settings = GenerationSettings.PerRow(cat(uniforms, 0), cat(rowTemperatures, 0), nucleus ? cat(rowTopPs, 0) : null, seedRows) with { PriorNoise = priorNoise };
        var output = Model.Generate(cat(z, 0), settings).cpu();
        var parts = output.split(sizes.ToArray(), 0);
        var result = new Tensor[codes.Count];
        for (int i = 0, p = 0; i < codes.Count; i++)
            result[i] = codes[i] is null ? empty(0) : parts[p++];
        return result;
    }

    /// <summary><paramref name="rows"/> stacked <paramref name="times"/> times along the first dimension (codes repeat the same way).</summary>
    private static Tensor Repeated(Tensor rows, long times)
    {
        var repeats = new long[rows.dim()];
        Array.Fill(repeats, 1L);
        repeats[0] = times;
        return rows.repeat(repeats);
    }

    /// <summary>Indices of variations that equal the seed or an earlier variation.</summary>
    /// <remarks>Compared in managed memory: one copy out of the tensor instead of a few tiny tensor ops per pair.</remarks>
    private static List<int> Rejected(Tensor outputs, Tensor seed, int count, long chunks)
    {
        var bad = new List<int>();
        var flat = outputs.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var size = flat.Length / count;
        var seedFlat = seed.dtype == outputs.dtype && seed.shape[0] == chunks && seed.numel() == size
            ? seed.to(ScalarType.Float64).contiguous().data<double>().ToArray()
            : null;
        var kept = new List<int>();
        for (var v = 0; v < count; v++)
        {
            var variation = new ReadOnlySpan<double>(flat, v * size, size);
            var copy = seedFlat is not null && variation.SequenceEqual(seedFlat);
            foreach (var k in kept)
            {
                if (copy) break;
                copy = variation.SequenceEqual(new ReadOnlySpan<double>(flat, k * size, size));
            }
            if (copy) bad.Add(v);
            else kept.Add(v);
        }
        return bad;
    }

    // trimmer.WorkDone() runs at the start of each call: by then the previous call's tensors have been freed.
    // Convert only when needed: a same-type .to() call still allocates a handle per request.
    private Tensor InModelType(Tensor t) => t.dtype == DType ? t : t.to(DType);

    private static Tensor AsFloat32(Tensor t) => t.dtype == ScalarType.Float32 ? t : t.to(ScalarType.Float32);

    private static void CheckTemperature(double temperature) => GenerationLimits.CheckTemperature(temperature);

    private static void CheckDecoding(double temperature, double topP)
    {
        GenerationLimits.CheckTemperature(temperature);
        GenerationLimits.CheckTopP(topP);
    }
}
