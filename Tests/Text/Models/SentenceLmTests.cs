using TorchSharp;
using VaeCreative.Core.Evaluation;
using VaeCreative.Core.Models;
using VaeCreative.Core.Training;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>What makes the language model a baseline <c>eval</c> can read; its decoder's behaviour is in <see cref="SentenceDecoderTests"/>.</summary>
public class SentenceLmTests
{
    private static readonly SentenceVaeOptions Tiny = TinySentences.Options with { LatentSize = 1 };

    private static SentenceLm Model(SentenceVaeOptions? options = null, long seed = 0) => (SentenceLm)TinySentences.Model(true, options, seed);

    /// <summary>Seeded snippets of 1–9 tokens (ids 3–29), as model rows of <see cref="Width"/>.</summary>
    private static Tensor Snippets(int count, int seed)
    {
        var random = new Random(seed);
        return Rows(Width, Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, random.Next(1, Width - 2)).Select(_ => random.Next(3, 30)).ToArray()).ToArray());
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void The_posterior_is_a_fixed_standard_normal_that_costs_nothing(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var model = Model(Tiny with { Cell = cell });
        var posterior = model.Encode(Rows(10, Short, Long));
        Assert.Equal([2L, 1], posterior.Mean.shape);
        Assert.True(posterior.Mean.eq(0).all().item<bool>());
        Assert.True(posterior.LogVariance.eq(0).all().item<bool>());
        Assert.True(posterior.KlToStandardNormal().eq(0).all().item<bool>(), "KL to the prior must be exactly 0");
        Assert.Equal(1, model.LatentSize);
        Assert.False(model.UsesLatent);
        Assert.Equal(SentenceLm.KindName, model.Kind);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void The_nll_ignores_z_and_is_the_teacher_forced_cross_entropy(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var model = Model(Tiny with { Cell = cell }, seed: 3);
        var batch = Rows(Width, Short, Long);
        var a = model.Reconstruct(batch, zeros(2, 1), ReconstructionSettings.TeacherForced);
        var b = model.Reconstruct(batch, randn(2, 1, generator: new Generator(1)).mul(10), ReconstructionSettings.TeacherForced);
        Assert.True(a.Nll.SameAs(b.Nll), "the language model's NLL must not depend on z");
        Assert.Equal(Short.Length + 1 + Long.Length + 1, a.Total); // real targets, EOS included

        var logits = model.forward(batch); // [2, 11, vocab]
        Assert.Equal([2L, Width - 1, 30], logits.shape);
        foreach (var (row, tokens) in new[] { (0, Short), (1, Long) })
        {
            var expected = 0.0;
            for (var t = 0; t <= tokens.Length; t++) // the tokens and EOS; the padding after them adds nothing
                expected -= nn.functional.log_softmax(logits[row, t], 0)[batch[row, t + 1]].item<float>();
            Assert.Equal(expected, a.Nll[row].item<float>(), 3);
        }
    }

    [Fact]
    public void Eval_gives_the_exact_nll_with_one_sample_whatever_is_asked_and_no_latent_information()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 4);
        var rows = Snippets(40, seed: 5);
        var data = new TokenRows(rows);
        // The exact NLL: the teacher-forced NLL summed over each snippet's targets, averaged over snippets.
        var exact = model.Reconstruct(rows, zeros(40, 1), ReconstructionSettings.TeacherForced);
        var exactNll = exact.Nll.to(ScalarType.Float64).mean().item<double>();
        var results = new[] { 1, 7, 64 }.Select(k =>
            LatentEvaluation.Run(model, data, CPU, new LatentEvaluationOptions { ImportanceSamples = k, BatchSize = 16, RowsPerPass = 100, Seed = k })).ToList();
        foreach (var r in results)
        {
            Assert.Equal(1, r.ImportanceSamples); // every weight is p(x): more samples would only cost time
            // Equal up to float32 rounding inside the model (its passes batch different numbers of rows).
            Assert.Equal(exactNll, r.NllNats, 1e-5 * exactNll);
            Assert.Equal(results[0].NllNats, r.NllNats, 1e-6 * exactNll); // the same for every K
            var perplexity = Math.Exp(exactNll * 40 / exact.Total!.Value);
            Assert.Equal(perplexity, r.Perplexity!.Value, 1e-4 * perplexity);
            Assert.Equal(exact.Total, r.Elements);
            Assert.Equal(r.NllNats, r.ElboNats, 1e-6 * exactNll); // no KL: the ELBO is the NLL too
            Assert.Equal(0.0, r.KlNats);
            Assert.Equal(0, r.ActiveUnits);
            Assert.All(r.PosteriorMeanVariances, v => Assert.Equal(0.0, v));
            // The estimator's noise around 0 is √(1/2N) nats for one dimension and N examples; allow four times that.
            Assert.InRange(r.MutualInformationNats, -4 * Math.Sqrt(1 / 80.0), 4 * Math.Sqrt(1 / 80.0));
        }
    }

    [Fact]
    public void Generation_ignores_z_and_keeps_the_row_layout()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 9);
        using var inference = inference_mode();
        var uniform = rand(4, Width, generator: new Generator(3));
        var temperatures = tensor(new[] { 0.0f, 0.7f, 1.0f, 1.5f });
        var a = model.Generate(zeros(4, 1), GenerationSettings.PerRow(uniform, temperatures));
        var b = model.Generate(randn(4, 1, generator: new Generator(2)), GenerationSettings.PerRow(uniform, temperatures));
        Assert.True(a.SameAs(b), "the language model's samples must not depend on z");
        Assert.Equal([4L, Width], a.shape);
        Assert.True(a.select(1, 0).eq(Bos).all().item<bool>());
        var again = model.Reconstruct(a, zeros(4, 1), ReconstructionSettings.TeacherForced);
        Assert.True(again.Total > 0); // a generated row is a valid input
    }

    [Fact]
    public void Its_weights_are_the_vae_s_decoder_layers_under_the_same_names()
    {
        using var scope = NewDisposeScope();
        using var lm = Model();
        using var vae = new SentenceVae(Tiny with { LatentSize = 4 }, new Generator(0));
        string[] names = ["embedding.weight", "decoder.weight_ih_l0", "decoder.weight_hh_l0", "decoder.bias_ih_l0", "decoder.bias_hh_l0", "toEmbedding.weight", "toEmbedding.bias", "outputBias"];
        Assert.Equal(names.Order(), lm.named_parameters().Select(p => p.name).Order());
        var vaeShapes = vae.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        foreach (var (name, parameter) in lm.named_parameters())
        {
            // The same sizes, except that the VAE's decoder also reads z at every step.
            long[] expected = name == "decoder.weight_ih_l0" ? [vaeShapes[name][0], vaeShapes[name][1] - 4] : vaeShapes[name];
            Assert.Equal(expected, parameter.shape);
        }
    }

    [Fact]
    public void A_latent_size_is_refused_and_the_settings_are_checked()
    {
        Assert.Contains("sentence-lm has no latent code; its latent size (of the uninformative posterior eval sees) must be 1, not 4",
            Assert.Throws<ArgumentException>(() => new SentenceLm(Tiny with { LatentSize = 4 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SentenceLm(Tiny with { WordDropout = 2 }));
        Assert.Same(Tiny, SentenceLm.Check(Tiny));
    }

    private sealed class TokenRows(Tensor rows) : ITrainingData
    {
        public int Count => (int)rows.shape[0];

        public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation) =>
            rows.index_select(0, tensor(indices.Select(i => (long)i).ToArray()));
    }
}
