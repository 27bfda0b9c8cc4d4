using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Text.Models;

public class SentenceVaeTests
{
    private const int Pad = 0, Bos = 1, Eos = 2;

    private static readonly SentenceVaeOptions Tiny = new()
    {
        VocabularySize = 30,
        MaxTokens = 12,
        PadId = Pad,
        BosId = Bos,
        EosId = Eos,
        EmbeddingSize = 8,
        EncoderHidden = 8,
        DecoderHidden = 16,
        LatentSize = 4,
        WordDropout = 0,
    };

    private static SentenceVae Model(SentenceVaeOptions? options = null, long seed = 0)
    {
        // Initialised from its own generator: other test classes seed torch's global RNG concurrently.
        var model = new SentenceVae(options ?? Tiny, new Generator((ulong)seed));
        model.eval();
        return model;
    }

    /// <summary>Rows BOS, tokens…, EOS, padded with PAD to <paramref name="width"/>.</summary>
    private static Tensor Rows(int width, params int[][] tokens)
    {
        var data = new long[tokens.Length * width];
        for (var r = 0; r < tokens.Length; r++)
        {
            var row = new long[width];
            row[0] = Bos;
            for (var i = 0; i < tokens[r].Length; i++) row[i + 1] = tokens[r][i];
            row[tokens[r].Length + 1] = Eos;
            Array.Copy(row, 0, data, r * width, width);
        }
        return tensor(data, new long[] { tokens.Length, width });
    }

    private static readonly int[] Short = [5, 6, 7];
    private static readonly int[] Long = [9, 8, 7, 6, 5, 4, 3, 10];

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
    public void Word_dropout_changes_the_training_loss_but_not_evaluation()
    {
        using var scope = NewDisposeScope();
        using var dropping = Model(Tiny with { WordDropout = 0.9 }, seed: 2);
        using var plain = Model(Tiny with { WordDropout = 0 }, seed: 2); // the same weights
        var batch = Rows(10, Short, Long);
        var z = plain.Encode(batch).Mean;
        var reference = plain.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll;
        Assert.True(dropping.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll.allclose(reference));
        dropping.train();
        Assert.False(dropping.Reconstruct(batch, z, new ReconstructionSettings(0, new Generator(1))).Nll.allclose(reference));
    }

    [Fact]
    public void A_row_decodes_the_same_alone_and_in_any_batch()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 9);
        using var inference = inference_mode();
        var z = randn(5, 4, generator: new Generator(2));
        var uniform = rand(5, 12, generator: new Generator(3));
        var temperatures = tensor(new[] { 0.0f, 0.7f, 1.0f, 1.5f, 2.0f });
        var topPs = tensor(new[] { 1.0f, 0.9f, 0.5f, 1.0f, 0.8f });
        var all = model.Generate(z, GenerationSettings.PerRow(uniform, temperatures, topPs));
        for (var r = 0; r < 5; r++)
        {
            var alone = model.Generate(z[r..(r + 1)], GenerationSettings.PerRow(uniform[r..(r + 1)], temperatures[r..(r + 1)], topPs[r..(r + 1)]));
            Assert.True(alone.SameAs(all[r..(r + 1)]), $"row {r} depends on its batch");
        }
        var reordered = model.Generate(z.flip(0), GenerationSettings.PerRow(uniform.flip(0), temperatures.flip(0), topPs.flip(0)));
        Assert.True(reordered.SameAs(all.flip(0)));
    }

    [Fact]
    public void Greedy_decoding_is_the_same_on_both_paths_and_ignores_the_noise()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 10);
        using var inference = inference_mode();
        var z = randn(4, 4, generator: new Generator(5));
        var greedy = model.Generate(z, new GenerationSettings(0));
        var perRow = model.Generate(z, GenerationSettings.PerRow(rand(4, 12), zeros(4)));
        Assert.True(greedy.SameAs(perRow));
        var sampledA = model.Generate(z, new GenerationSettings(1.0, new Generator(8), TopP: 0.9));
        var sampledB = model.Generate(z, new GenerationSettings(1.0, new Generator(8), TopP: 0.9));
        Assert.True(sampledA.SameAs(sampledB), "the same generator seed must decode the same tokens");
    }

    [Fact]
    public void Everything_after_the_first_eos_is_padding_and_pad_and_bos_are_never_drawn()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 11);
        using var inference = inference_mode();
        // Make padding and BOS the likeliest outputs: decoding must still never produce them before EOS.
        var bias = model.get_parameter("outputBias")!;
        using (no_grad())
        {
            bias[Pad] = tensor(50f);
            bias[Bos] = tensor(50f);
        }
        var output = model.Generate(randn(16, 4, generator: new Generator(1)), new GenerationSettings(1.5, new Generator(2))).data<long>().ToArray();
        for (var r = 0; r < 16; r++)
        {
            var row = output.Skip(r * 12).Take(12).ToArray();
            Assert.Equal(Bos, row[0]);
            var end = Array.IndexOf(row, (long)Eos);
            Assert.InRange(end, 1, 11); // every row ends, at the latest in its last position
            var body = row[1..end];
            Assert.DoesNotContain((long)Pad, body);
            Assert.DoesNotContain((long)Bos, body);
            Assert.All(row[(end + 1)..], t => Assert.Equal(Pad, t));
        }
    }

    [Fact]
    public void Rows_end_at_eos_or_run_to_the_limit()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 12);
        using var inference = inference_mode();
        var bias = model.get_parameter("outputBias")!;
        using (no_grad()) bias[Eos] = tensor(100f);
        var ended = model.Generate(randn(3, 4), new GenerationSettings(0));
        Assert.True(ended.SameAs(Rows(12, [], [], [])), "every row should end right after BOS");

        using (no_grad()) bias[Eos] = tensor(-100f);
        var cut = model.Generate(randn(3, 4), new GenerationSettings(1.0, new Generator(4)));
        Assert.True(cut[.., 11].eq(Eos).all().item<bool>(), "a row that reaches the limit ends with EOS");
        Assert.False(cut[.., ..11].eq(Eos).any().item<bool>());
        Assert.False(cut.eq(Pad).any().item<bool>(), "a row that reaches the limit fills every position");
        var again = model.Reconstruct(cut, randn(3, 4), ReconstructionSettings.TeacherForced);
        Assert.Equal(3 * 11, again.Total); // a generated row is a valid input
    }

    [Fact]
    public void Scheduled_sampling_trains_on_the_same_targets()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 13);
        model.train();
        var batch = Rows(10, Short, Long);
        var z = model.Encode(batch).Mean;
        var forced = model.Reconstruct(batch, z, ReconstructionSettings.TeacherForced);
        var sampled = model.Reconstruct(batch, z, new ReconstructionSettings(1.0, new Generator(1)));
        Assert.Equal(forced.Total, sampled.Total);
        Assert.False(forced.Nll.allclose(sampled.Nll));
        sampled.Nll.sum().backward();
        Assert.NotNull(model.get_parameter("outputBias")!.grad);
    }

    [Fact]
    public void A_few_steps_learn_a_tiny_batch()
    {
        using var scope = NewDisposeScope();
        using var model = Model(seed: 14);
        model.train();
        var batch = Rows(10, Short, Long, [20, 21], [3, 3, 3, 3]);
        var optimizer = optim.Adam(model.parameters(), 0.02);
        using var generator = new Generator(0);
        double first = 0, last = 0;
        for (var step = 0; step < 60; step++)
        {
            using var inner = NewDisposeScope();
            optimizer.zero_grad();
            var posterior = model.Encode(batch);
            var reconstruction = model.Reconstruct(batch, posterior.Reparameterize(generator), new ReconstructionSettings(0, generator));
            var terms = ElboTerms.Compute(reconstruction.Nll, posterior.KlToStandardNormal(), 0.1, 0);
            terms.Loss.backward();
            optimizer.step();
            if (step == 0) first = terms.ReconstructionNats.item<float>();
            last = terms.ReconstructionNats.item<float>();
        }
        Assert.True(last < first / 3, $"reconstruction went from {first:F2} to {last:F2} nats");
    }

    [Fact]
    public void Bad_token_batches_are_refused_with_a_reason()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => model.Encode(zeros(2, 5))).Message);
        Assert.Contains("2 to 12", Assert.Throws<ArgumentException>(() => model.Encode(Rows(13, Short))).Message);
        var allPad = zeros(new long[] { 2, 6 }, dtype: ScalarType.Int64);
        Assert.Contains("BOS and EOS", Assert.Throws<ArgumentException>(() => model.Encode(allPad)).Message);
        Assert.Throws<ArgumentException>(() => model.Generate(randn(2, 4), GenerationSettings.PerRow(rand(2, 11), zeros(2))));
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
    public void The_default_shape_weighs_under_20_MB()
    {
        using var model = new SentenceVae(new SentenceVaeOptions());
        var bytes = model.parameters().Sum(p => p.numel()) * 4;
        Assert.True(bytes < 20_000_000, $"{bytes:N0} bytes of float32 weights");
    }

    [Fact]
    public void Predicted_elements_are_the_tokens_and_eos_not_bos_or_padding()
    {
        using var model = new SentenceVae(new SentenceVaeOptions { VocabularySize = 20, MaxTokens = 6, EmbeddingSize = 4, EncoderHidden = 4, DecoderHidden = 4, LatentSize = 2 });
        using var tokens = TorchSharp.torch.tensor(new long[] { 2, 7, 8, 3, 0, 0, 2, 9, 3, 0, 0, 0 }, new long[] { 2, 6 });
        using var predicted = model.PredictedElements(tokens);
        Assert.Equal(new[] { false, true, true, true, false, false, false, true, true, false, false, false }, predicted.data<bool>().ToArray());
    }
}
