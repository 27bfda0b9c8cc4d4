using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
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
public sealed class VariationEngine
{
    private const int MaxRedraws = 8;
    private readonly Lock gate = new();
    private readonly NativeHeapTrimmer trimmer = new();

    /// <summary>Wraps <paramref name="model"/>, whose weights live on <paramref name="device"/> (float32, or bfloat16 after <c>Module.to(BFloat16)</c>).</summary>
    public VariationEngine(IVaeModel model, Device device)
    {
        Model = model;
        Device = device;
        // Read once: the weights' type decides the type of the noise and codes each request feeds in.
        DType = model.Module.parameters().First().dtype;
    }

    /// <summary>The model.</summary>
    public IVaeModel Model { get; }

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

    /// <summary><paramref name="count"/> draws from the prior, decoded.</summary>
    public Tensor Sample(int count, double temperature = 0.5, long rng = 0)
    {
        Preconditions.InRange(count, 1, 100_000);
        CheckTemperature(temperature);
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            using var generator = new Generator((ulong)rng, Device);
            var z = InModelType(randn(new long[] { count, Model.LatentSize }, device: Device, generator: generator));
            var result = Model.Generate(z, new GenerationSettings(temperature, generator)).cpu();
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// Interpolates from <paramref name="from"/> to <paramref name="to"/> (both [chunks, …], same chunk count)
    /// by slerp between their posterior means; <paramref name="steps"/> ≥ 2 points including both ends.
    /// Returns [steps × chunks, …], step-major.
    /// </summary>
    public Tensor Interpolate(Tensor from, Tensor to, int steps, double temperature = 0, long rng = 0)
    {
        Preconditions.InRange(steps, 2, 1000);
        CheckTemperature(temperature);
        if (from.shape[0] != to.shape[0])
            throw new ArgumentException($"both ends must have the same number of chunks ({from.shape[0]} vs {to.shape[0]}).");
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            using var generator = new Generator((ulong)rng, Device);
            var a = Model.Encode(from.to(Device)).Mean;
            var b = Model.Encode(to.to(Device)).Mean;
            var codes = new Tensor[steps];
            for (var i = 0; i < steps; i++)
                codes[i] = Slerp.Interpolate(a, b, (double)i / (steps - 1));
            var z = cat(codes, 0);
            var result = Model.Generate(z, new GenerationSettings(temperature, generator)).cpu();
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// <paramref name="count"/> variations of a seed given as [chunks, …]. Each chunk's code is
    /// slerp(μ, ε, 1 − similarity) with ε ~ N(0, I): similarity 1 keeps the seed's mean, 0 is a fresh prior draw.
    /// All count × chunks codes decode in one pass. When <paramref name="rejectCopies"/> is set, a variation that
    /// reproduces the seed exactly, or duplicates an earlier variation, is redrawn (a bounded number of times).
    /// Returns [count × chunks, …], variation-major.
    /// </summary>
    public Tensor Vary(Tensor seed, int count, double similarity, double temperature, long rng, bool rejectCopies = true)
    {
        Preconditions.InRange(count, 1, 10_000);
        Preconditions.InRange(similarity, 0, 1);
        CheckTemperature(temperature);
        lock (gate)
        {
            trimmer.WorkDone();
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            using var generator = new Generator((ulong)rng, Device);
            var seedOnDevice = seed.to(Device);
            var mean = Model.Encode(seedOnDevice).Mean;
            var chunks = mean.shape[0];
            var seedCpu = seed.cpu();

            Tensor Draw(int n)
            {
                var means = mean.repeat(n, 1);
                var noise = InModelType(randn(means.shape, device: Device, generator: generator));
                var z = Slerp.Interpolate(means, noise, 1.0 - similarity);
                return Model.Generate(z, new GenerationSettings(temperature, generator)).cpu();
            }

            var outputs = Draw(count);
            if (!rejectCopies) return outputs.MoveToOuterDisposeScope();

            for (var attempt = 0; attempt < MaxRedraws; attempt++)
            {
                var bad = Rejected(outputs, seedCpu, count, chunks);
                if (bad.Count == 0) break;
                var redrawn = Draw(bad.Count);
                var rows = outputs.split(chunks, 0).ToArray();
                for (var i = 0; i < bad.Count; i++)
                    rows[bad[i]] = redrawn.narrow(0, i * chunks, chunks);
                outputs = cat(rows, 0);
            }
            return outputs.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Indices of variations that equal the seed or an earlier variation.</summary>
    private static List<int> Rejected(Tensor outputs, Tensor seed, int count, long chunks)
    {
        var bad = new List<int>();
        var kept = new List<Tensor>();
        for (var v = 0; v < count; v++)
        {
            var variation = outputs.narrow(0, v * chunks, chunks);
            var copy = Same(variation, seed);
            if (!copy) copy = kept.Any(k => Same(k, variation));
            if (copy) bad.Add(v);
            else kept.Add(variation);
        }
        return bad;
    }

    // trimmer.WorkDone() runs at the start of each call: by then the previous call's tensors have been freed.

    // Convert only when needed: a same-type .to() call still allocates a handle per request.
    private Tensor InModelType(Tensor t) => t.dtype == DType ? t : t.to(DType);

    private static Tensor AsFloat32(Tensor t) => t.dtype == ScalarType.Float32 ? t : t.to(ScalarType.Float32);

    private static bool Same(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void CheckTemperature(double temperature) => Preconditions.InRange(temperature, 0, 10);
}
