using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>The sentence VAE's own parts (its encoder, settings and weights); its decoder's behaviour is in <see cref="SentenceDecoderTests"/>.</summary>
public class SentenceVaeTests
{
    private static readonly SentenceVaeOptions Tiny = TinySentences.Options;

    private static SentenceVae Model(SentenceVaeOptions? options = null, long seed = 0) => (SentenceVae)TinySentences.Model(false, options, seed);

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void Encode_reconstruct_and_generate_have_the_documented_shapes(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var model = Model(Tiny with { Cell = cell });
        var batch = Rows(10, Short, Long);
        var posterior = model.Encode(batch);
        Assert.Equal([2L, 4], posterior.Mean.shape);
        Assert.Equal([2L, 4], posterior.LogVariance.shape);
        var reconstruction = model.Reconstruct(batch, posterior.Mean, ReconstructionSettings.TeacherForced);
        Assert.Equal([2L], reconstruction.Nll.shape);
        Assert.Equal(Short.Length + 1 + Long.Length + 1, reconstruction.Total); // real targets, EOS included
        Assert.InRange(reconstruction.Correct!.Value, 0, reconstruction.Total!.Value);
        Assert.Equal([2L, 9, 30], model.forward(batch).shape);
        using var generator = new Generator(3);
        var generated = model.Generate(randn(3, 4, generator: generator), new GenerationSettings(1.0, generator));
        Assert.Equal([3L, 12], generated.shape);
        Assert.Equal(ScalarType.Int64, generated.dtype);
        Assert.True(generated.select(1, 0).eq(Bos).all().item<bool>());
        Assert.Equal([12L], model.RowNoiseShape);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void Extra_padding_changes_neither_the_posterior_nor_the_nll(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var model = Model(Tiny with { Cell = cell }, seed: 4);
        var tight = Rows(5, Short);
        var padded = Rows(12, Short);
        var a = model.Encode(tight);
        var b = model.Encode(padded);
        Assert.True(a.Mean.allclose(b.Mean, rtol: 1e-5, atol: 1e-6), "padding changed μ");
        Assert.True(a.LogVariance.allclose(b.LogVariance, rtol: 1e-5, atol: 1e-6), "padding changed log σ²");
        var ra = model.Reconstruct(tight, a.Mean, ReconstructionSettings.TeacherForced);
        var rb = model.Reconstruct(padded, a.Mean, ReconstructionSettings.TeacherForced);
        Assert.True(ra.Nll.allclose(rb.Nll, rtol: 1e-5, atol: 1e-5), $"padding changed the NLL: {ra.Nll.item<float>()} vs {rb.Nll.item<float>()}");
        Assert.Equal(ra.Total, rb.Total);
        Assert.Equal(ra.Correct, rb.Correct);
    }

    [Fact]
    public void A_row_gets_the_same_posterior_and_nll_alone_and_beside_longer_rows()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 5);
        var alone = Rows(5, Short);
        var together = Rows(10, Long, Short, [11, 12]);
        var a = model.Encode(alone);
        var b = model.Encode(together);
        Assert.True(a.Mean[0].allclose(b.Mean[1], rtol: 1e-5, atol: 1e-6), "a batch's other rows changed μ (packing must keep row order)");
        var nllAlone = model.Reconstruct(alone, a.Mean, ReconstructionSettings.TeacherForced).Nll;
        var nllTogether = model.Reconstruct(together, b.Mean, ReconstructionSettings.TeacherForced).Nll;
        Assert.True(nllAlone[0].allclose(nllTogether[1], rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void The_nll_is_the_sum_of_the_real_targets_cross_entropy()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 6);
        var batch = Rows(12, Short);
        var z = model.Encode(batch).Mean;
        var logits = model.forward(batch)[0]; // [11, vocab], z = μ
        var targets = batch[0, 1..];
        var expected = 0.0;
        for (var t = 0; t <= Short.Length; t++) // the tokens and EOS; the padding after them adds nothing
            expected -= nn.functional.log_softmax(logits[t], 0)[targets[t]].item<float>();
        var nll = model.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll.item<float>();
        Assert.Equal(expected, nll, 3);
    }

    [Fact]
    public void Word_dropout_masks_real_inputs_in_training_mode_only()
    {
        using var scope = NewDisposeScope();
        using var model = Model(Tiny with { WordDropout = 1.0 });
        var batch = Rows(10, Short, Long);
        using var generator = new Generator(1);

        var evaluated = model.DecoderInputs(batch, generator);
        Assert.True(evaluated.SameAs(batch[.., ..9]), "eval mode must feed the true tokens");

        model.train();
        var trained = model.DecoderInputs(batch, generator);
        var inputs = batch[.., ..9];
        var expected = inputs.masked_fill(inputs.ne(Pad).logical_and(inputs.ne(Bos)), model.MaskId);
        Assert.True(trained.SameAs(expected), "rate 1 must mask every real input after BOS and leave BOS and padding alone");

        // At rate 0.5 some inputs are masked, and the same generator state masks the same ones.
        using var half = Model(Tiny with { WordDropout = 0.5 });
        half.train();
        var first = half.DecoderInputs(batch, new Generator(7));
        var second = half.DecoderInputs(batch, new Generator(7));
        Assert.True(first.SameAs(second));
        var masked = first.eq(half.MaskId).sum().item<long>();
        Assert.InRange(masked, 1, Short.Length + Long.Length + 1);
    }

    [Fact]
    public void Options_round_trip_through_the_manifest_and_are_checked()
    {
        var options = Tiny with { Cell = RecurrentCell.Gru, WordDropout = 0.3 };
        var json = ModelManifest.ToJsonObject(options);
        Assert.Equal("gru", json["cell"]!.GetValue<string>());
        Assert.Equal(options, ModelManifest.FromJsonObject<SentenceVaeOptions>(json));
        Assert.Equal(RecurrentCell.Lstm, ModelManifest.FromJsonObject<SentenceVaeOptions>(new System.Text.Json.Nodes.JsonObject()).Cell);
        new SentenceVaeOptions().Validate();
        Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { MaxTokens = 2 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { WordDropout = 1.5 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { EosId = 30 }).Validate());
        Assert.Throws<ArgumentException>(() => (Tiny with { BosId = 0 }).Validate());
    }

    [Fact]
    public void An_initialization_generator_gives_the_same_weights_whatever_the_global_rng_does()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var a = new SentenceVae(Tiny, new Generator(42));
        manual_seed(2);
        randn(100);
        using var b = new SentenceVae(Tiny, new Generator(42));
        using var c = new SentenceVae(Tiny, new Generator(43));
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        Assert.All(Enumerable.Range(0, pa.Length), i => Assert.True(pa[i].SameAs(pb[i]), $"parameter {i} differs"));
        Assert.False(a.get_parameter("embedding.weight")!.SameAs(c.get_parameter("embedding.weight")!));
        Assert.InRange(a.get_parameter("embedding.weight")!.abs().max().item<float>(), 0.09f, 0.1f); // U(±0.1)
    }

    [Fact]
    public void Weights_keep_the_names_saved_models_have()
    {
        // The decoder is shared with the language model (SentenceDecoder); saved VAEs must still load by these names.
        using var scope = NewDisposeScope();
        using var model = Model();
        string[] rnn = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"];
        var expected = new[] { "embedding.weight", "toMean.weight", "toMean.bias", "toLogVariance.weight", "toLogVariance.bias",
                "toDecoderState.weight", "toDecoderState.bias", "toEmbedding.weight", "toEmbedding.bias", "outputBias" }
            .Concat(rnn.Select(n => "encoder." + n)).Concat(rnn.Select(n => $"encoder.{n}_reverse")).Concat(rnn.Select(n => "decoder." + n));
        Assert.Equal(expected.Order(), model.state_dict().Keys.Order());
    }

    [Fact]
    public void The_default_shape_weighs_under_20_MB()
    {
        using var model = new SentenceVae(new SentenceVaeOptions());
        var bytes = model.parameters().Sum(p => p.numel()) * 4;
        Assert.True(bytes < 20_000_000, $"{bytes:N0} bytes of float32 weights");
    }
}
