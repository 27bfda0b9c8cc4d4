using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>The span model's learned prior: p(z_t | z_&lt;t) from a GRU over the earlier spans' codes.</summary>
public class SpanPriorTests
{
    private static readonly SentenceVaeOptions WithPrior = Options with { SpanTokens = 2, Cell = RecurrentCell.Gru, PriorHidden = 6 };

    private static SpanLatentVae Model(long seed = 0, bool trainedHeads = true)
    {
        var model = new SpanLatentVae(WithPrior, new Generator((ulong)seed));
        model.eval();
        if (trainedHeads)
        {
            // The heads start at zero (the prior starts as N(0, I)); give them weights, as training would.
            using var noGrad = no_grad();
            using var generator = new Generator((ulong)seed + 100);
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("prior.to", StringComparison.Ordinal)) p.uniform_(-0.4, 0.4, generator);
        }
        return model;
    }

    [Fact]
    public void A_new_prior_is_the_standard_normal()
    {
        using var scope = NewDisposeScope();
        using var model = Model(trainedHeads: false);
        var batch = Rows(Width, Short, Long);
        var posterior = model.Encode(batch);
        using var generator = new Generator(4);
        var z = posterior.Reparameterize(generator);
        Assert.True(((IVaeModel)model).Kl(batch, posterior, z).allclose(posterior.KlToStandardNormal(), rtol: 1e-5, atol: 1e-5));
        var standard = z.mul(z).sum(1).add(z.shape[1] * Math.Log(2 * Math.PI)).mul(-0.5);
        Assert.True(model.Prior!.LogDensity(batch, z).allclose(standard, rtol: 1e-5, atol: 1e-4));
    }

    [Fact]
    public void A_span_prior_reads_what_came_before_the_span_and_nothing_after()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var batch = Rows(Width, Long); // 9 predicted positions: spans 0–4 of 2 tokens
        using var generator = new Generator(2);
        var z = randn(new long[] { 1, model.LatentSize }, generator: generator);
        var before = model.SpanPriors(batch, z);
        var changed = z.clone();
        var span = Options.LatentSize;
        changed.narrow(1, 2 * span, span).add_(3.0); // span 2's code moved: spans 0–2 keep their priors, span 3 does not
        var after = model.SpanPriors(batch, changed);
        Assert.True(before.Mean.narrow(1, 0, 3 * span).SameAs(after.Mean.narrow(1, 0, 3 * span)));
        Assert.False(before.Mean.narrow(1, 3 * span, span).allclose(after.Mean.narrow(1, 3 * span, span)));
        var otherToken = batch.clone();
        otherToken[0, 3] = tensor(11L); // the token before span 1's first step is position 2's; position 3 is read by span 2
        var moved = model.SpanPriors(otherToken, z);
        Assert.True(before.Mean.narrow(1, 0, 2 * span).SameAs(moved.Mean.narrow(1, 0, 2 * span)));
        Assert.False(before.Mean.narrow(1, 2 * span, span).allclose(moved.Mean.narrow(1, 2 * span, span)));
    }

    [Fact]
    public void Spans_after_the_end_cost_no_kl_and_keep_the_standard_normal_density()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var batch = Rows(Width, Short); // 4 predicted positions: spans 0 and 1 of 6
        var posterior = model.Encode(batch);
        using var generator = new Generator(9);
        var z = posterior.Reparameterize(generator);
        var span = Options.LatentSize;
        var prior = model.SpanPriors(batch, z);
        var real = new DiagonalGaussian(posterior.Mean.narrow(1, 0, 2 * span), posterior.LogVariance.narrow(1, 0, 2 * span))
            .KlElementsTo(new DiagonalGaussian(prior.Mean.narrow(1, 0, 2 * span), prior.LogVariance.narrow(1, 0, 2 * span))).sum(1);
        Assert.True(model.Prior!.Kl(batch, posterior, z).allclose(real, rtol: 1e-5, atol: 1e-6));

        // Moving an empty span's z changes the density by exactly its N(0, I) terms.
        var moved = z.clone();
        moved.narrow(1, 4 * span, span).add_(1.5);
        var difference = model.Prior.LogDensity(batch, moved).sub(model.Prior.LogDensity(batch, z)).item<float>();
        var tail = z.narrow(1, 4 * span, span);
        var expected = tail.mul(tail).sum().sub(tail.add(1.5).pow(2).sum()).mul(0.5).item<float>();
        Assert.Equal(expected, difference, 3);
    }

    [Fact]
    public void The_kl_is_the_expected_log_ratio_of_posterior_to_prior()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 3);
        var one = Rows(Width, Long);
        var posterior = model.Encode(one);
        const int n = 4000;
        var batch = one.expand(n, one.shape[1]);
        var many = new DiagonalGaussian(posterior.Mean.expand(n, -1), posterior.LogVariance.expand(n, -1));
        using var generator = new Generator(11);
        var z = many.Reparameterize(generator);
        // log q(z|x) summed over the real spans; the empty spans' q and p are both N(0, I) in the density and cancel.
        var logQ = z.sub(many.Mean).pow(2).div(many.LogVariance.exp()).add(many.LogVariance).add(Math.Log(2 * Math.PI)).sum(1).mul(-0.5);
        var ratios = logQ.sub(model.Prior!.LogDensity(batch, z));
        var kls = model.Prior.Kl(batch, many, z);
        // Both estimate E_q[log q − log p]: the analytic KL per draw (given its earlier spans) and the log ratio.
        var spread = ratios.std().item<float>() / Math.Sqrt(n);
        Assert.Equal(kls.mean().item<float>(), ratios.mean().item<float>(), 4 * spread);
    }

    [Fact]
    public void A_prior_sample_decodes_the_codes_its_teacher_forced_prior_gives()
    {
        // Through the fp32 modules, the work the teacher-forced prior does (the packed fp16 step moves the states by
        // about 1e-3, enough to move a near tie on another CPU).
        const int parts = 1;
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5);
        model.PackedGeneration = false;
        const int rows = 4;
        using var generator = new Generator(7);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        var sampled = Decode(model, noise, priorNoise: true, parts);

        // The codes the sampler drew: span by span, μ + σ ⊙ noise under the prior of the decoded rows read with the
        // codes so far (a span's prior reads only what came before it).
        var codes = zeros_like(noise);
        var span = Options.LatentSize;
        for (var s = 0; s < WithPrior.Spans; s++)
        {
            var prior = model.SpanPriors(sampled, codes);
            codes.narrow(1, s * span, span).copy_(prior.Mean.add(prior.StdDev.mul(noise)).narrow(1, s * span, span));
        }
        var fromCodes = Decode(model, codes, priorNoise: false, parts);
        Assert.True(sampled.SameAs(fromCodes), "the sampler's codes are not its prior's");
        Assert.False(sampled.SameAs(Decode(model, noise, priorNoise: false, parts)), "the noise was decoded as codes");
    }

    [Fact]
    public void Prior_samples_on_the_packed_step_are_the_same_alone_and_split_over_threads()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5);
        const int rows = 5;
        using var generator = new Generator(8);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        model.PackedGeneration = true;
        var together = Decode(model, noise, priorNoise: true, 1);
        var split = Decode(model, noise, priorNoise: true, 3);
        Assert.True(together.SameAs(split), "rows of a prior sample depend on how they are split");
        var alone = Decode(model, noise.narrow(0, 2, 1), priorNoise: true, 1);
        Assert.True(alone.SameAs(together.narrow(0, 2, 1)), "a row of a prior sample depends on the rows beside it");
        Assert.False(together.SameAs(Decode(model, noise, priorNoise: false, 1)), "the noise was decoded as codes");
    }

    private static Tensor Decode(SpanLatentVae model, Tensor z, bool priorNoise, int parts)
    {
        var rows = z.shape[0];
        using var generator = new Generator(1);
        var uniform = rand(new long[] { rows, Width }, generator: generator);
        var settings = GenerationSettings.PerRow(uniform, zeros(rows)) with { PriorNoise = priorNoise };
        model.ThreadParts = parts;
        return model.Generate(z, settings);
    }

    [Fact]
    public void The_width_is_saved_and_models_without_it_keep_the_standard_normal()
    {
        var json = ModelManifest.ToJsonObject(WithPrior);
        Assert.Equal(6, json["priorHidden"]!.GetValue<int>());
        Assert.Equal(WithPrior, ModelManifest.FromJsonObject<SentenceVaeOptions>(json));
        var older = ModelManifest.ToJsonObject(WithPrior with { PriorHidden = null });
        Assert.Null(older["priorHidden"]);
        using var plain = new SpanLatentVae(ModelManifest.FromJsonObject<SentenceVaeOptions>(older));
        Assert.Null(plain.Prior);
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.StartsWith("prior.", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => (Options with { PriorHidden = 4 }).Validate()); // a sentence VAE has no spans
        Assert.Throws<ArgumentOutOfRangeException>(() => (WithPrior with { PriorHidden = 0 }).Validate());
    }
}
