using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>
/// The span model's learned prior: each span's Gaussian, or mixture of Gaussians, from the decoder's state before the
/// span and the token before it.
/// </summary>
public class SpanPriorTests
{
    private static readonly SentenceVaeOptions WithPrior = Options with { SpanTokens = 2, Cell = RecurrentCell.Gru, PriorHidden = 6 };

    private static readonly SentenceVaeOptions WithMixture = WithPrior with { PriorComponents = 3 };

    /// <summary>A model whose prior samples draw one code per span (particles 1) unless <paramref name="particles"/> says otherwise.</summary>
    private static SpanLatentVae Model(long seed = 0, bool trainedHeads = true, int components = 1, int particles = 1)
    {
        var model = new SpanLatentVae(components == 1 ? WithPrior : WithPrior with { PriorComponents = components }, new Generator((ulong)seed));
        model.PriorParticles = particles;
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

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_span_prior_reads_what_came_before_the_span_and_nothing_after(int components)
    {
        using var scope = NewDisposeScope();
        using var model = Model(components: components);
        var batch = Rows(Width, Long); // 9 predicted positions: spans 0–4 of 2 tokens
        using var generator = new Generator(2);
        var z = randn(new long[] { 1, model.LatentSize }, generator: generator);
        var before = model.SpanPriors(batch, z);
        Assert.Equal(new long[] { 1, WithPrior.Spans, components, Options.LatentSize }, before.Mean.shape);
        var changed = z.clone();
        var span = Options.LatentSize;
        changed.narrow(1, 2 * span, span).add_(3.0); // span 2's code moved: spans 0–2 keep their priors, span 3 does not
        var after = model.SpanPriors(batch, changed);
        Assert.True(before.Mean.narrow(1, 0, 3).SameAs(after.Mean.narrow(1, 0, 3)));
        Assert.True(before.LogWeights.narrow(1, 0, 3).SameAs(after.LogWeights.narrow(1, 0, 3)));
        Assert.False(before.Mean.narrow(1, 3, 1).allclose(after.Mean.narrow(1, 3, 1)));
        var otherToken = batch.clone();
        otherToken[0, 3] = tensor(11L); // the token before span 1's first step is position 2's; position 3 is read by span 2
        var moved = model.SpanPriors(otherToken, z);
        Assert.True(before.Mean.narrow(1, 0, 2).SameAs(moved.Mean.narrow(1, 0, 2)));
        Assert.False(before.Mean.narrow(1, 2, 1).allclose(moved.Mean.narrow(1, 2, 1)));
        if (components > 1) Assert.False(before.LogWeights.narrow(1, 2, 1).allclose(moved.LogWeights.narrow(1, 2, 1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Spans_after_the_end_cost_no_kl_and_keep_the_standard_normal_density(int components)
    {
        using var scope = NewDisposeScope();
        using var model = Model(components: components);
        var batch = Rows(Width, Short); // 4 predicted positions: spans 0 and 1 of 6
        var posterior = model.Encode(batch);
        using var generator = new Generator(9);
        var z = posterior.Reparameterize(generator);
        var span = Options.LatentSize;
        var prior = model.SpanPriors(batch, z);
        // The KL of the two real spans alone, from each span's components (−log Σ w exp(−KL), exact for one).
        var spans = new DiagonalGaussian(posterior.Mean.view(1, -1, span).narrow(1, 0, 2), posterior.LogVariance.view(1, -1, span).narrow(1, 0, 2));
        var real = new SpanPriorMixture(prior.LogWeights.narrow(1, 0, 2), prior.Mean.narrow(1, 0, 2), prior.LogVariance.narrow(1, 0, 2))
            .KlFrom(spans).sum(1);
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
    public void One_component_gives_the_closed_form_kl_of_two_gaussians()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 4);
        var batch = Rows(Width, Long);
        var posterior = model.Encode(batch);
        var prior = model.SpanPriors(batch, posterior.Mean);
        var span = Options.LatentSize;
        var flat = new DiagonalGaussian(prior.Mean.reshape(1, -1), prior.LogVariance.reshape(1, -1));
        var closedForm = posterior.KlElementsTo(flat).view(1, -1, span).sum(2).narrow(1, 0, 5).sum(1); // 9 positions: spans 0–4
        Assert.True(model.Prior!.Kl(batch, posterior, posterior.Mean).allclose(closedForm, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_mixture_density_is_its_weighted_sum_of_gaussians()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var logWeights = randn(new long[] { 2, 3 }, dtype: ScalarType.Float64, generator: generator).log_softmax(-1);
        var mean = randn(new long[] { 2, 3, 4 }, dtype: ScalarType.Float64, generator: generator);
        var logVariance = randn(new long[] { 2, 3, 4 }, dtype: ScalarType.Float64, generator: generator).mul(0.5);
        var z = randn(new long[] { 2, 4 }, dtype: ScalarType.Float64, generator: generator);
        var density = new SpanPriorMixture(logWeights, mean, logVariance).LogDensity(z);
        for (var row = 0; row < 2; row++)
        {
            var sum = 0.0;
            for (var k = 0; k < 3; k++)
            {
                var p = Math.Exp(logWeights[row, k].item<double>());
                for (var d = 0; d < 4; d++)
                {
                    var (m, v, x) = (mean[row, k, d].item<double>(), Math.Exp(logVariance[row, k, d].item<double>()), z[row, d].item<double>());
                    p *= Math.Exp(-(x - m) * (x - m) / (2 * v)) / Math.Sqrt(2 * Math.PI * v);
                }
                sum += p;
            }
            Assert.Equal(Math.Log(sum), density[row].item<double>(), 9);
        }
    }

    [Fact]
    public void A_mixture_draw_takes_the_component_its_uniform_falls_in_at_its_temperature()
    {
        using var scope = NewDisposeScope();
        var logWeights = tensor(new[] { 0.2, 0.5, 0.3 }).log().expand(4, 3);
        var mean = tensor(new[] { -10.0, 0, 10 }).view(1, 3, 1).expand(4, 3, 2);
        var logVariance = full(new long[] { 4, 3, 2 }, Math.Log(0.25), dtype: ScalarType.Float64);
        var noise = tensor(new[] { 1.0, -1, 0, 0, 2, 2, 1, 1 }).view(4, 2);
        var uniform = tensor(new[] { 0.1, 0.6, 0.95, 0.69 });
        var drawn = new SpanPriorMixture(logWeights, mean, logVariance).Draw(uniform, noise, ones(4));
        // Cumulative weights 0.2, 0.7, 1.0: components 0, 1, 2, 1; then μ + 0.5 ⊙ noise.
        var expected = tensor(new[] { -9.5, -10.5, 0, 0, 11, 11, 0.5, 0.5 }).view(4, 2);
        Assert.True(drawn.allclose(expected, atol: 1e-9), drawn.ToString(TorchSharp.TensorStringStyle.Julia));

        // At 0.5 the weights go as their squares (0.04, 0.25, 0.09: cumulative 0.105, 0.763, 1) and σ as σ √0.5.
        var cool = new SpanPriorMixture(logWeights, mean, logVariance).Draw(uniform, noise, full(4, 0.5));
        var s = 0.5 * Math.Sqrt(0.5);
        var coolExpected = tensor(new[] { -10 + s, -10 - s, 0, 0, 10 + 2 * s, 10 + 2 * s, s, s }).view(4, 2);
        Assert.True(cool.allclose(coolExpected, atol: 1e-9), cool.ToString(TorchSharp.TensorStringStyle.Julia));

        // At 0, every row gets the likeliest component's mean, whatever its uniform and noise.
        var cold = new SpanPriorMixture(logWeights, mean, logVariance).Draw(uniform, noise, zeros(4));
        Assert.True(cold.allclose(zeros(4, 2, dtype: ScalarType.Float64), atol: 1e-9), cold.ToString(TorchSharp.TensorStringStyle.Julia));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_kl_is_the_expected_log_ratio_of_posterior_to_prior_or_a_bound_above_it(int components)
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 3, components: components);
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
        // Both estimate E_q[log q − log p]: the analytic KL per draw (given its earlier spans) and the log ratio. A
        // mixture's KL is a bound above it (a Monte-Carlo check of the bound's direction and of the density).
        var spread = ratios.std().item<float>() / Math.Sqrt(n);
        if (components == 1) Assert.Equal(kls.mean().item<float>(), ratios.mean().item<float>(), 4 * spread);
        else Assert.True(kls.mean().item<float>() >= ratios.mean().item<float>() - 4 * spread,
            $"the bound {kls.mean().item<float>()} is below the KL's estimate {ratios.mean().item<float>()} ± {spread}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_prior_sample_decodes_the_codes_its_teacher_forced_prior_gives(int components)
    {
        // Through the fp32 modules, the work the teacher-forced prior does (the packed fp16 step moves the states by
        // about 1e-3, enough to move a near tie on another CPU).
        const int parts = 1;
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5, components: components);
        model.PackedGeneration = false;
        const int rows = 4;
        using var generator = new Generator(7);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        var uniform = Uniform(model, rows);
        var temperatures = tensor(new[] { 0f, 0.5f, 1f, 0.2f });
        var sampled = Decode(model, noise, priorNoise: true, parts, uniform, temperatures);

        // The codes the sampler drew: span by span, a draw (component by the uniform of the second half at the span's
        // first step, then μ + σ ⊙ noise) from the prior of the decoded rows read with the codes so far (a span's prior
        // reads only what came before it).
        var codes = zeros_like(noise);
        var span = Options.LatentSize;
        for (var s = 0; s < WithPrior.Spans; s++)
        {
            var prior = model.SpanPriors(sampled, codes);
            var spanPrior = new SpanPriorMixture(prior.LogWeights.select(1, s), prior.Mean.select(1, s), prior.LogVariance.select(1, s));
            var componentUniform = components > 1 ? uniform.select(1, Width + s * WithPrior.SpanTokens!.Value + 1) : null;
            codes.narrow(1, s * span, span).copy_(spanPrior.Draw(componentUniform, noise.narrow(1, s * span, span), SpanPrior.CodeTemperature(temperatures)));
        }
        var fromCodes = Decode(model, codes, priorNoise: false, parts, uniform, temperatures);
        Assert.True(sampled.SameAs(fromCodes), "the sampler's codes are not its prior's");
        Assert.False(sampled.SameAs(Decode(model, noise, priorNoise: false, parts, uniform, temperatures)), "the noise was decoded as codes");
    }

    [Fact]
    public void A_mixture_prior_sample_reads_its_component_uniforms()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5, components: 3);
        Assert.Equal(new long[] { 2 * Width }, ((IVaeModel)model).RowNoiseShapeOf(zeros(1, model.LatentSize)));
        const int rows = 6;
        using var generator = new Generator(7);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        var uniform = Uniform(model, rows);
        var warm = ones(rows);
        var sampled = Decode(model, noise, priorNoise: true, 1, uniform, warm);
        var others = uniform.clone();
        others.narrow(1, Width, Width).copy_(uniform.narrow(1, Width, Width).neg().add(1)); // other components, same tokens' noise
        Assert.False(sampled.SameAs(Decode(model, noise, priorNoise: true, 1, others, warm)), "the components' uniforms were not read");
        // At temperature 0 the tokens are argmax, but the codes are still drawn (at the floor), so rows still differ.
        var cold = Decode(model, noise, priorNoise: true, 1, uniform);
        Assert.False(cold.SameAs(Decode(model, noise, priorNoise: true, 1, others)), "at temperature 0 the codes were not drawn");
        Assert.True(SpanPrior.CodeTemperature(zeros(1)).item<float>() == (float)SpanPrior.MinCodeTemperature);
        Assert.Throws<ArgumentException>(() => Decode(model, noise, priorNoise: true, 1, uniform.narrow(1, 0, Width)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Prior_samples_on_the_packed_step_are_the_same_alone_and_split_over_threads(int components)
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5, components: components);
        const int rows = 5;
        using var generator = new Generator(8);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        var uniform = Uniform(model, rows);
        model.PackedGeneration = true;
        var together = Decode(model, noise, priorNoise: true, 1, uniform);
        var split = Decode(model, noise, priorNoise: true, 3, uniform);
        Assert.True(together.SameAs(split), "rows of a prior sample depend on how they are split");
        var alone = Decode(model, noise.narrow(0, 2, 1), priorNoise: true, 1, uniform.narrow(0, 2, 1));
        Assert.True(alone.SameAs(together.narrow(0, 2, 1)), "a row of a prior sample depends on the rows beside it");
        Assert.False(together.SameAs(Decode(model, noise, priorNoise: false, 1, uniform)), "the noise was decoded as codes");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(3, false)]
    public void Particle_prior_samples_are_the_same_alone_in_a_batch_split_and_in_chunks(int components, bool packed)
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5, components: components, particles: 4);
        model.PackedGeneration = packed;
        const int rows = 5;
        using var generator = new Generator(8);
        var noise = randn(new long[] { rows, model.LatentSize }, generator: generator);
        var uniform = Uniform(model, rows);
        var temperatures = tensor(new[] { 0f, 0.25f, 0.5f, 1f, 0.5f });
        var together = Decode(model, noise, priorNoise: true, 1, uniform, temperatures);
        Assert.True(together.SameAs(Decode(model, noise, priorNoise: true, 1, uniform, temperatures)), "particle samples differ between calls");
        Assert.True(together.SameAs(Decode(model, noise, priorNoise: true, 3, uniform, temperatures)), "particle samples depend on how rows are split over threads");
        var alone = Decode(model, noise.narrow(0, 3, 1), priorNoise: true, 1, uniform.narrow(0, 3, 1), temperatures.narrow(0, 3, 1));
        Assert.True(alone.SameAs(together.narrow(0, 3, 1)), "a particle sample depends on the rows beside it");
        // 300 particles: chunks of one row each (at most 512 rows × particles a step).
        model.PriorParticles = 300;
        var many = Decode(model, noise, priorNoise: true, 1, uniform, temperatures);
        var manyAlone = Decode(model, noise.narrow(0, 3, 1), priorNoise: true, 1, uniform.narrow(0, 3, 1), temperatures.narrow(0, 3, 1));
        Assert.True(manyAlone.SameAs(many.narrow(0, 3, 1)), "chunked rows differ from a row decoded alone");
        model.PriorParticles = 1;
        Assert.False(together.SameAs(Decode(model, noise, priorNoise: true, 1, uniform, temperatures)), "the particles were not used");
    }

    [Fact]
    public void Resampling_copies_particles_in_proportion_to_their_weights()
    {
        using var scope = NewDisposeScope();
        // All the weight on particle 2: every new particle copies it, whatever the offset.
        var dominant = tensor(new[] { float.NegativeInfinity, float.NegativeInfinity, 0f, float.NegativeInfinity }).view(1, 4);
        foreach (var u in new[] { 0.01f, 0.5f, 0.99f })
            Assert.Equal(new long[] { 2, 2, 2, 2 }, PriorParticleDecoder.Resample(dominant, tensor(new[] { u })).data<long>().ToArray());
        // Equal weights: each particle is kept once, in order.
        var equal = full(new long[] { 2, 4 }, -Math.Log(4));
        Assert.Equal(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 }, PriorParticleDecoder.Resample(equal, tensor(new[] { 0.3f, 0.9f })).data<long>().ToArray());
        // Weights 1/2, 1/4, 1/4, 0: two copies of the first, one of the second and third, none of the last.
        var uneven = tensor(new[] { 0.5f, 0.25f, 0.25f, 0f }).log().view(1, 4);
        Assert.Equal(new long[] { 0, 0, 1, 2 }, PriorParticleDecoder.Resample(uneven, tensor(new[] { 0.5f })).data<long>().ToArray());
    }

    [Fact]
    public void The_particle_count_can_be_set_for_a_measurement_and_is_checked()
    {
        // The parser of VAECREATIVE_PRIOR_PARTICLES (not the variable itself: models built on other threads read it).
        Assert.Equal(SpanPrior.SampleParticles, SpanPrior.ParseSampleParticles(null));
        Assert.Equal(SpanPrior.SampleParticles, SpanPrior.ParseSampleParticles(""));
        Assert.Equal(8, SpanPrior.ParseSampleParticles("8"));
        foreach (var bad in new[] { "0", "257", "x", "-3", "1.5", " 8" })
            Assert.Contains("must be a whole number from 1 to 256", Assert.Throws<ArgumentException>(() => SpanPrior.ParseSampleParticles(bad)).Message);
    }

    /// <summary>Uniforms for <paramref name="rows"/> rows of <paramref name="model"/>, as wide as it asks (seeded).</summary>
    private static Tensor Uniform(SpanLatentVae model, int rows)
    {
        using var generator = new Generator(1);
        return rand(new long[] { rows, model.RowNoiseShape[0] }, generator: generator);
    }

    private static Tensor Decode(SpanLatentVae model, Tensor z, bool priorNoise, int parts, Tensor uniform, Tensor? temperatures = null)
    {
        var settings = GenerationSettings.PerRow(uniform, temperatures ?? zeros(z.shape[0])) with { PriorNoise = priorNoise };
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

    [Fact]
    public void The_components_are_saved_and_models_without_them_keep_one_gaussian()
    {
        var json = ModelManifest.ToJsonObject(WithMixture);
        Assert.Equal(3, json["priorComponents"]!.GetValue<int>());
        Assert.Equal(WithMixture, ModelManifest.FromJsonObject<SentenceVaeOptions>(json));
        Assert.Null(ModelManifest.ToJsonObject(WithPrior)["priorComponents"]);
        using var mixture = new SpanLatentVae(WithMixture, new Generator(1));
        Assert.Contains(mixture.named_parameters(), p => p.name == "prior.toLogits.weight");
        using var single = new SpanLatentVae(WithPrior, new Generator(1));
        Assert.DoesNotContain(single.named_parameters(), p => p.name.StartsWith("prior.toLogits", StringComparison.Ordinal));
        Assert.Equal(new long[] { Width }, single.RowNoiseShape);
        Assert.Throws<ArgumentException>(() => (Options with { SpanTokens = 2, PriorComponents = 3 }).Validate()); // no learned prior
        Assert.Throws<ArgumentOutOfRangeException>(() => (WithPrior with { PriorComponents = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (WithPrior with { PriorComponents = 257 }).Validate());
    }

    [Fact]
    public void A_new_mixture_starts_with_equal_weights_and_spread_means_that_depend_on_its_seed()
    {
        using var scope = NewDisposeScope();
        using var first = Model(seed: 6, trainedHeads: false, components: 3);
        using var again = Model(seed: 6, trainedHeads: false, components: 3);
        using var other = Model(seed: 7, trainedHeads: false, components: 3);
        var batch = Rows(Width, Short);
        var z = zeros(1, first.LatentSize);
        var prior = first.SpanPriors(batch, z);
        Assert.True(prior.LogWeights.allclose(full_like(prior.LogWeights, -Math.Log(3)), atol: 1e-6));
        Assert.True(prior.Mean.std().item<float>() > 0.3f, "the components start on top of each other");
        Assert.True(prior.Mean.SameAs(again.SpanPriors(batch, z).Mean));
        Assert.False(prior.Mean.allclose(other.SpanPriors(batch, z).Mean));
    }
}
