using TorchSharp;
using VaeCreative.Audio.Models;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Variation;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Variation;

public class VariationEngineTests
{
    private static Tensor Seed(int chunks = 2) =>
        TinyModels.RandomWindows(chunks, 17).Batch(Enumerable.Range(0, chunks).ToArray(), null);

    [Fact]
    public void The_same_rng_gives_the_same_variations_and_another_rng_does_not()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        var seed = Seed();
        var a = engine.Vary(seed, 6, 0.6, 0.8, rng: 42);
        var b = engine.Vary(seed, 6, 0.6, 0.8, rng: 42);
        var c = engine.Vary(seed, 6, 0.6, 0.8, rng: 43);
        Assert.True(a.SameAs(b));
        Assert.False(a.SameAs(c));
    }

    [Fact]
    public void Vary_returns_count_times_chunks_rows_none_a_copy_of_the_seed_or_of_each_other()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        var seed = Seed(3);
        var output = engine.Vary(seed, 5, 0.75, 0.5, rng: 1);
        Assert.Equal(new long[] { 15, 32 }, output.shape);
        var groups = Enumerable.Range(0, 5).Select(v => output.narrow(0, v * 3, 3)).ToList();
        foreach (var g in groups) Assert.False(g.SameAs(seed));
        for (var i = 0; i < groups.Count; i++)
            for (var j = i + 1; j < groups.Count; j++)
                Assert.False(groups[i].SameAs(groups[j]));
    }

    [Fact]
    public void Similarity_one_at_temperature_zero_decodes_the_seed_mean()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        var seed = Seed(1);
        var (mean, std) = engine.Encode(seed);
        Assert.Equal(new long[] { 1, 8 }, mean.shape);
        Assert.True((std > 0).all().item<bool>());
        var expected = engine.Decode(mean);
        var output = engine.Vary(seed, 3, similarity: 1, temperature: 0, rng: 5, rejectCopies: false);
        for (var v = 0; v < 3; v++) Assert.True(output.narrow(0, v, 1).SameAs(expected));
    }

    [Fact]
    public void All_variations_are_decoded_in_one_batched_pass()
    {
        using var scope = NewDisposeScope();
        using var inner = TinyModels.Melody(seed: 8);
        var counting = new CountingModel(inner);
        var engine = new VariationEngine(counting, CPU);
        var output = engine.Vary(Seed(2), 8, 0.5, 0.5, rng: 3, rejectCopies: false);
        Assert.Equal(16, output.shape[0]);
        Assert.Equal(1, counting.GenerateCalls);
        Assert.Equal(16, counting.LastBatch);
    }

    [Fact]
    public void A_request_gets_the_same_variations_alone_and_batched_with_others()
    {
        using var scope = NewDisposeScope();
        using var inner = TinyModels.Melody(seed: 8);
        var counting = new CountingModel(inner);
        var engine = new VariationEngine(counting, CPU);
        var requests = new[]
        {
            new VariationRequest(Seed(2), 3, 0.7, 0.8, 11),
            new VariationRequest(Seed(1), 5, 0.2, 0.0, 12),
            new VariationRequest(Seed(3), 2, 0.9, 1.5, 13),
        };
        var batched = engine.VaryBatch(requests);
        Assert.Equal(17, counting.FirstBatch); // one decode for all three requests' rows (later calls redraw copies)
        for (var i = 0; i < requests.Length; i++)
        {
            var r = requests[i];
            var alone = engine.Vary(r.Seed, r.Count, r.Similarity, r.Temperature, r.Rng);
            Assert.Equal(r.Count * r.Seed.shape[0], batched[i].shape[0]);
            Assert.True(alone.SameAs(batched[i]), $"request {i} differs when batched");
        }
    }

    [Fact]
    public void Samples_and_interpolations_are_the_same_alone_and_batched()
    {
        using var scope = NewDisposeScope();
        using var inner = TinyModels.Melody(seed: 8);
        var counting = new CountingModel(inner);
        var engine = new VariationEngine(counting, CPU);
        var samples = new[] { new SampleRequest(3, 0.7, 21), new SampleRequest(1, 0, 22), new SampleRequest(4, 2.0, 23) };
        var batched = engine.SampleBatch(samples);
        Assert.Equal(1, counting.GenerateCalls);
        Assert.Equal(8, counting.LastBatch);
        for (var i = 0; i < samples.Length; i++)
            Assert.True(engine.Sample(samples[i].Count, samples[i].Temperature, samples[i].Rng).SameAs(batched[i]), $"sample request {i} differs");

        var interpolations = new[]
        {
            new InterpolationRequest(Seed(2), Seed(2).flip(0), 3, 0.5, 31),
            new InterpolationRequest(Seed(1), Seed(1).flip(1), 4, 0, 32),
        };
        var before = counting.GenerateCalls;
        var together = engine.InterpolateBatch(interpolations);
        Assert.Equal(before + 1, counting.GenerateCalls);
        Assert.Equal(3 * 2 + 4 * 1, counting.LastBatch);
        for (var i = 0; i < interpolations.Length; i++)
        {
            var r = interpolations[i];
            Assert.True(engine.Interpolate(r.From, r.To, r.Steps, r.Temperature, r.Rng).SameAs(together[i]), $"interpolation request {i} differs");
        }
    }

    [Fact]
    public void A_repeated_seed_skips_the_encoder_and_gets_the_same_variations()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        using var engine = new VariationEngine(model, CPU);
        var seed = Seed(2);
        var first = engine.Vary(seed, 4, 0.6, 0.5, rng: 9);
        Assert.Equal((0, 1), (engine.MeanCache.Hits, engine.MeanCache.Misses));
        var again = engine.Vary(seed.clone(), 4, 0.6, 0.5, rng: 9); // equal values, another tensor
        Assert.Equal(1, engine.MeanCache.Hits);
        Assert.True(first.SameAs(again));
        var batch = engine.VaryBatch([new VariationRequest(Seed(3), 1, 0.5, 0, 1), new VariationRequest(Seed(3), 1, 0.5, 0, 2)]);
        Assert.Equal(2, engine.MeanCache.Count); // two distinct seeds, the repeated one encoded once
        Assert.Equal(2, batch.Length);
    }

    [Fact]
    public void The_mean_cache_drops_the_least_recently_used_seed()
    {
        using var scope = NewDisposeScope();
        using var cache = new PosteriorMeanCache(capacity: 2);
        var keys = Enumerable.Range(0, 3).Select(i => PosteriorMeanCache.KeyOf(tensor(new long[] { i, i + 1 }))).ToArray();
        cache.Put(keys[0], ones(1, 4));
        cache.Put(keys[1], ones(1, 4));
        Assert.NotNull(cache.Get(keys[0])); // 0 is now the most recent
        cache.Put(keys[2], ones(1, 4));
        Assert.Equal(2, cache.Count);
        Assert.Null(cache.Get(keys[1]));
        Assert.NotNull(cache.Get(keys[0]));
        Assert.NotNull(cache.Get(keys[2]));
    }

    [Fact]
    public void Interpolation_starts_and_ends_at_the_decoded_means()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        var windows = TinyModels.RandomWindows(2, 4);
        var a = windows.Batch([0], null);
        var b = windows.Batch([1], null);
        var path = engine.Interpolate(a, b, 5);
        Assert.Equal(5, path.shape[0]);
        Assert.True(path.narrow(0, 0, 1).SameAs(engine.Decode(engine.Encode(a).Mean)));
        Assert.True(path.narrow(0, 4, 1).SameAs(engine.Decode(engine.Encode(b).Mean)));
    }

    [Fact]
    public void Sampling_is_deterministic_per_rng()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        Assert.True(engine.Sample(4, 0.5, 9).SameAs(engine.Sample(4, 0.5, 9)));
    }

    [Fact]
    public void Prior_samples_decode_noise_flagged_for_the_prior_and_variations_decode_codes()
    {
        using var scope = NewDisposeScope();
        using var model = new CountingModel(TinyModels.Melody(seed: 8));
        var engine = new VariationEngine(model, CPU);
        var outputs = engine.SampleBatch([new SampleRequest(3, 0.5, 1), new SampleRequest(2, 0.5, 2)]);
        Assert.Equal([3L, 2L], outputs.Select(o => o.shape[0]).ToArray());
        Assert.True(model.LastPriorNoise);
        engine.Vary(Seed(), 2, 0.5, 0.5, 3);
        Assert.False(model.LastPriorNoise);
        engine.Interpolate(Seed(1), Seed(1), 3);
        Assert.False(model.LastPriorNoise);
    }

    [Fact]
    public void Requests_do_not_leak_tensors()
    {
        using var model = TinyModels.Melody(seed: 8);
        var engine = new VariationEngine(model, CPU);
        using var seed = Seed();
        void Once()
        {
            using var scope = NewDisposeScope();
            engine.Vary(seed, 4, 0.7, 0.5, 1);
        }
        Once();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++) Once();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Out_of_range_arguments_are_refused()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Melody();
        var engine = new VariationEngine(model, CPU);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Vary(Seed(), 0, 0.5, 0.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Vary(Seed(), 2, 1.5, 0.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Vary(Seed(), 2, 0.5, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Interpolate(Seed(1), Seed(1), 1));
    }

    private sealed class CountingModel(SequenceVae inner) : IVaeModel
    {
        public int GenerateCalls { get; private set; }
        public long LastBatch { get; private set; }
        public long? FirstBatch { get; private set; }
        public string Kind => inner.Kind;
        public int LatentSize => inner.LatentSize;
        public nn.Module Module => inner;
        public object Options => inner.Settings;
        public DiagonalGaussian Encode(Tensor input) => inner.Encode(input);
        public Reconstruction Reconstruct(Tensor input, Tensor z, ReconstructionSettings settings) => inner.Reconstruct(input, z, settings);

        public bool LastPriorNoise { get; private set; }

        public Tensor Generate(Tensor z, GenerationSettings settings)
        {
            LastPriorNoise = settings.PriorNoise;
            GenerateCalls++;
            LastBatch = z.shape[0];
            FirstBatch ??= z.shape[0];
            return inner.Generate(z, settings);
        }

        public long[] RowNoiseShape => inner.RowNoiseShape;

        public void Dispose() { }
    }
}
