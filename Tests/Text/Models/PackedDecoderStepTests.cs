using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Runtime;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

public class PackedDecoderStepTests
{
    /// <summary>Latent codes per row of the decoders here: one per predicted position.</summary>
    private static readonly int Spans = (Options with { SpanTokens = 1 }).Spans;

    /// <summary>A decoder with one latent code per position (latent 4), or none (latent 0: a language model's), seeded.</summary>
    private static (SentenceDecoder Decoder, Parameter Bias) Decoder(RecurrentCell cell, int latent, int layers = 1)
    {
        var options = Options with { Cell = cell, SpanTokens = 1, DecoderLayers = layers };
        var bias = SentenceDecoder.NewOutputBias(options);
        var decoder = new SentenceDecoder(options, SentenceDecoder.NewEmbedding(options), latent, () => bias, latent > 0 ? 1 : 0);
        var generator = new Generator(21);
        decoder.Initialize(generator, [], []);
        using (no_grad()) bias.uniform_(-1, 1, generator);
        return (decoder, bias);
    }

    [Theory]
    [InlineData(RecurrentCell.Gru, 4)]
    [InlineData(RecurrentCell.Gru, 0)]
    [InlineData(RecurrentCell.Lstm, 4)]
    [InlineData(RecurrentCell.Lstm, 0)]
    public void Two_packed_steps_give_the_modules_logits_within_fp16_rounding(RecurrentCell cell, int latent)
    {
        if (!FbgemmFp16.IsAvailable) return;
        using var scope = NewDisposeScope();
        var (decoder, bias) = Decoder(cell, latent);
        using var step = PackedDecoderStep.TryCreate(decoder);
        Assert.NotNull(step);
        var inputs = tensor(new long[] { Bos, 5, Bos, 9, Bos, 30 }, [3, 2]); // 30: the mask id, one past the vocabulary
        Tensor? z = latent > 0 ? randn([3, Spans * latent], generator: new Generator(4)) : null;
        var expected = decoder.Logits(decoder.Outputs(inputs, z)); // [3, 2, vocabulary], teacher forced from a zero state
        var parts = cell == RecurrentCell.Lstm ? 2 : 1;
        Tensor[] state = Enumerable.Range(0, parts).Select(_ => zeros(3, Options.DecoderHidden)).ToArray();
        for (var t = 0; t < 2; t++)
        {
            var zStep = z?.view(3, Spans, latent).select(1, t) ?? zeros([3, 0]);
            (var logits, state) = step!.Step(inputs.select(1, t), zStep, state, bias);
            var difference = logits.sub(expected.select(1, t)).abs().max().item<float>();
            Assert.True(difference < 0.02, $"step {t}: logits differ by {difference}");
            Assert.True(difference > 0, "the packed step should read fp16 weights");
        }
    }

    [Fact]
    public void A_step_stops_being_current_when_a_weight_changes_in_place()
    {
        if (!FbgemmFp16.IsAvailable) return;
        using var scope = NewDisposeScope();
        var (decoder, _) = Decoder(RecurrentCell.Gru, 4);
        using var step = PackedDecoderStep.TryCreate(decoder)!;
        Assert.True(step.IsCurrent());
        using (no_grad()) decoder.ToEmbedding.bias!.add_(0.5);
        Assert.False(step.IsCurrent());
        using var again = PackedDecoderStep.TryCreate(decoder)!;
        Assert.True(again.IsCurrent());
    }

    [Fact]
    public void Decoders_the_step_does_not_cover_step_through_their_modules()
    {
        using var scope = NewDisposeScope();
        Assert.Null(PackedDecoderStep.TryCreate(Decoder(RecurrentCell.Gru, 4, layers: 2).Decoder));
        var (decoder, _) = Decoder(RecurrentCell.Lstm, 4);
        decoder.Rnn.to(ScalarType.BFloat16);
        Assert.Null(PackedDecoderStep.TryCreate(decoder));
    }
}
