using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>
/// What <see cref="SentenceDecoder"/> does for both models that share it: the sentence VAE (false) and its language
/// model (true).
/// </summary>
public class SentenceDecoderTests
{
    private static Tensor Codes(ISentenceModel model, int rows, long seed) => randn(rows, model.LatentSize, generator: new Generator((ulong)seed));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Word_dropout_changes_the_training_loss_but_not_evaluation(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var dropping = Model(languageModel, Options with { WordDropout = 0.9 }, seed: 2);
        using var plain = Model(languageModel, Options with { WordDropout = 0 }, seed: 2); // the same weights
        var batch = Rows(10, Short, Long);
        var z = plain.Encode(batch).Mean;
        var reference = plain.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll;
        Assert.True(dropping.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll.allclose(reference));
        dropping.Module.train();
        Assert.False(dropping.Reconstruct(batch, z, new ReconstructionSettings(0, new Generator(1))).Nll.allclose(reference));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void A_row_decodes_the_same_alone_and_in_any_batch(bool languageModel, bool packed)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 9);
        model.PackedGeneration = packed;
        using var inference = inference_mode();
        var z = Codes(model, 5, seed: 2);
        var uniform = rand(5, Width, generator: new Generator(3));
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

    [Theory]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.Lstm)]
    public void Rows_split_over_threads_decode_the_tokens_they_decode_together(RecurrentCell cell)
    {
        if (!FbgemmFp16.IsAvailable) return; // only the packed step is split
        using var scope = NewDisposeScope();
        var options = Options with { Cell = cell, SpanTokens = 1 };
        var bias = SentenceDecoder.NewOutputBias(options);
        var decoder = new SentenceDecoder(options, SentenceDecoder.NewEmbedding(options), 4, () => bias, 1);
        decoder.Initialize(new Generator(5), [], []);
        using (no_grad()) bias.index_fill_(0, tensor(new long[] { Eos }), 2.5); // about one chance in four to end at each step
        using var inference = inference_mode();
        const int rows = 7;
        var z = randn([rows, options.Spans * 4], generator: new Generator(6));
        var settings = GenerationSettings.PerRow(rand(rows, Width, generator: new Generator(7)), full(rows, 1.0f));
        decoder.ThreadParts = 1;
        var together = decoder.Generate(rows, z, CPU, settings);
        decoder.ThreadParts = 3;
        var split = decoder.Generate(rows, z, CPU, settings);
        Assert.True(split.SameAs(together));
        // Rows that end at different steps leave the batch at different steps.
        var lengths = together.ne(Pad).sum(1).data<long>().ToArray();
        Assert.True(lengths.Distinct().Count() > 2, $"lengths {string.Join(", ", lengths)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Greedy_decoding_is_the_same_on_both_paths_and_ignores_the_noise(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 10);
        using var inference = inference_mode();
        var z = Codes(model, 4, seed: 5);
        var greedy = model.Generate(z, new GenerationSettings(0));
        var perRow = model.Generate(z, GenerationSettings.PerRow(rand(4, Width), zeros(4)));
        Assert.True(greedy.SameAs(perRow));
        var sampledA = model.Generate(z, new GenerationSettings(1.0, new Generator(8), TopP: 0.9));
        var sampledB = model.Generate(z, new GenerationSettings(1.0, new Generator(8), TopP: 0.9));
        Assert.True(sampledA.SameAs(sampledB), "the same generator seed must decode the same tokens");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Everything_after_the_first_eos_is_padding_and_pad_and_bos_are_never_drawn(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 11);
        using var inference = inference_mode();
        // Make padding and BOS the likeliest outputs: decoding must still never produce them before EOS.
        var bias = model.Module.get_parameter("outputBias")!;
        using (no_grad())
        {
            bias[Pad] = tensor(50f);
            bias[Bos] = tensor(50f);
        }
        var output = model.Generate(Codes(model, 16, seed: 1), new GenerationSettings(1.5, new Generator(2))).data<long>().ToArray();
        for (var r = 0; r < 16; r++)
        {
            var row = output.Skip(r * Width).Take(Width).ToArray();
            Assert.Equal(Bos, row[0]);
            var end = Array.IndexOf(row, (long)Eos);
            Assert.InRange(end, 1, Width - 1); // every row ends, at the latest in its last position
            var body = row[1..end];
            Assert.DoesNotContain((long)Pad, body);
            Assert.DoesNotContain((long)Bos, body);
            Assert.All(row[(end + 1)..], t => Assert.Equal(Pad, t));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rows_end_at_eos_or_run_to_the_limit(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 12);
        using var inference = inference_mode();
        var bias = model.Module.get_parameter("outputBias")!;
        using (no_grad()) bias[Eos] = tensor(100f);
        var ended = model.Generate(Codes(model, 3, seed: 1), new GenerationSettings(0));
        Assert.True(ended.SameAs(Rows(Width, [], [], [])), "every row should end right after BOS");

        using (no_grad()) bias[Eos] = tensor(-100f);
        var cut = model.Generate(Codes(model, 3, seed: 2), new GenerationSettings(1.0, new Generator(4)));
        Assert.True(cut[.., Width - 1].eq(Eos).all().item<bool>(), "a row that reaches the limit ends with EOS");
        Assert.False(cut[.., ..(Width - 1)].eq(Eos).any().item<bool>());
        Assert.False(cut.eq(Pad).any().item<bool>(), "a row that reaches the limit fills every position");
        var again = model.Reconstruct(cut, Codes(model, 3, seed: 3), ReconstructionSettings.TeacherForced);
        Assert.Equal(3 * (Width - 1), again.Total); // a generated row is a valid input
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scheduled_sampling_trains_on_the_same_targets(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 13);
        model.Module.train();
        var batch = Rows(10, Short, Long);
        var z = model.Encode(batch).Mean;
        var forced = model.Reconstruct(batch, z, ReconstructionSettings.TeacherForced);
        var sampled = model.Reconstruct(batch, z, new ReconstructionSettings(1.0, new Generator(1)));
        Assert.Equal(forced.Total, sampled.Total);
        Assert.False(forced.Nll.allclose(sampled.Nll));
        sampled.Nll.sum().backward();
        Assert.NotNull(model.Module.get_parameter("outputBias")!.grad);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_few_steps_learn_a_tiny_batch(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 14);
        model.Module.train();
        var batch = Rows(10, Short, Long, [20, 21], [3, 3, 3, 3]);
        var optimizer = optim.Adam(model.Module.parameters(), 0.02);
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
        // Without z the language model can only guess which of the four rows follows BOS, so its floor is higher.
        var factor = languageModel ? 2 : 3;
        Assert.True(last < first / factor, $"reconstruction went from {first:F2} to {last:F2} nats");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_model_converted_to_bfloat16_decodes_with_its_converted_weights(bool languageModel)
    {
        // Module.to replaces a module's own parameters (the output bias): the decoder must use the new one.
        using var scope = NewDisposeScope();
        using var model = Model(languageModel, seed: 15);
        using var inference = inference_mode();
        var z = Codes(model, 3, seed: 1);
        var before = model.Generate(z, new GenerationSettings(0));
        model.Module.to(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, model.Module.get_parameter("outputBias")!.dtype);
        var after = model.Generate(z.to(ScalarType.BFloat16), new GenerationSettings(0));
        Assert.Equal(before.shape, after.shape);
        Assert.True(after.select(1, 0).eq(Bos).all().item<bool>());
        var nll = model.Reconstruct(Rows(10, Short, Long), Codes(model, 2, seed: 2).to(ScalarType.BFloat16), ReconstructionSettings.TeacherForced).Nll;
        Assert.True(nll.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predicted_elements_are_the_tokens_and_eos_not_bos_or_padding(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel);
        var predicted = model.PredictedElements(Rows(6, [7, 8], [9]));
        Assert.NotNull(predicted);
        Assert.Equal([false, true, true, true, false, false, false, true, true, false, false, false], predicted.data<bool>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bad_token_batches_are_refused_with_a_reason(bool languageModel)
    {
        using var scope = NewDisposeScope();
        using var model = Model(languageModel);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => model.Encode(zeros(2, 5))).Message);
        Assert.Contains("2 to 12", Assert.Throws<ArgumentException>(() => model.Encode(Rows(13, Short))).Message);
        var allPad = zeros(new long[] { 2, 6 }, dtype: ScalarType.Int64);
        Assert.Contains("BOS and EOS", Assert.Throws<ArgumentException>(() => model.Encode(allPad)).Message);
        Assert.Contains("2 to 12", Assert.Throws<ArgumentException>(() => model.Reconstruct(Rows(13, Short), Codes(model, 1, 0), ReconstructionSettings.TeacherForced)).Message);
        Assert.Throws<ArgumentException>(() => model.Generate(Codes(model, 2, 0), GenerationSettings.PerRow(rand(2, Width - 1), zeros(2))));
    }
}
