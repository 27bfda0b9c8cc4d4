using VaeCreative.Audio.Models;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Audio.Models;

public class HierarchicalSequenceVaeTests
{
    private static readonly HierarchicalSequenceVaeOptions Tiny = new()
    {
        VocabularySize = 12, Segments = 4, SegmentLength = 8, SegmentEncoderHidden = 8, EncoderHidden = 16, ConductorHidden = 16, ConductorLayers = 2,
        EmbeddingSize = 8, DecoderHidden = 16, DecoderLayers = 2, LatentSize = 6,
    };

    private static HierarchicalSequenceVae Model()
    {
        var model = SeededInit.Create("tiny-hier", 1, () => new HierarchicalSequenceVae(Tiny));
        model.eval();
        return model;
    }

    private static Tensor Tokens(int batch, int seed) =>
        tensor(Enumerable.Range(0, batch * 32).Select(i => (long)((i * 7 + seed * 3) % 12)).ToArray(), new long[] { batch, 32 });

    [Fact]
    public void The_conductor_gives_one_embedding_per_segment_and_the_shapes_follow()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        var tokens = Tokens(3, 1);
        var posterior = model.Encode(tokens);
        Assert.Equal([3L, 6], posterior.Mean.shape);
        Assert.Equal([3L, 4, 8], model.Embeddings(posterior.Mean).shape);
        Assert.Equal([3L, 32, 12], model.TeacherForcedLogits(tokens, posterior.Mean).shape);
        Assert.Equal([3L, 32], model.Generate(posterior.Mean, new GenerationSettings(0, null)).shape);
        Assert.Equal([32L], model.RowNoiseShape);
        var reconstruction = model.Reconstruct(tokens, posterior.Mean, ReconstructionSettings.TeacherForced);
        Assert.Equal([3L], reconstruction.Nll.shape);
        Assert.Throws<ArgumentException>(() => model.Encode(tensor(new long[3 * 31], new long[] { 3, 31 })));
    }

    [Fact]
    public void No_token_crosses_a_segment_boundary()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var model = Model();
        var z = randn(2, 6, generator: new Generator(3));
        var a = Tokens(2, 1);
        var b = a.clone();
        b[.., 7] = tensor(new long[] { 5, 6 }); // the last token of segment 0
        var la = model.TeacherForcedLogits(a, z);
        var lb = model.TeacherForcedLogits(b, z);
        // Segment 1 (steps 8–15) does not see segment 0's tokens: its logits are the same.
        Assert.Equal(0, (la[.., 8..16, ..] - lb[.., 8..16, ..]).abs().max().item<float>());
    }

    [Fact]
    public void Per_row_noise_decodes_like_the_batch_and_the_kind_round_trips_through_a_manifest()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var model = Model();
        var z = randn(2, 6, generator: new Generator(5));
        var uniform = rand(2, 32, generator: new Generator(6));
        var both = model.Generate(z, GenerationSettings.PerRow(uniform, tensor(new[] { 1.0f, 1.0f })));
        var first = model.Generate(z[..1], GenerationSettings.PerRow(uniform[..1], tensor(new[] { 1.0f })));
        Assert.Equal(first.data<long>().ToArray(), both[..1].data<long>().ToArray());
        var created = TestModelKinds.All.Create(HierarchicalSequenceVae.KindName, ModelManifest.ToJsonObject(Tiny));
        Assert.Equal(Tiny, ((HierarchicalSequenceVae)created).Settings);
        Assert.Equal(model.parameters().Sum(p => p.numel()), created.Module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_few_adam_steps_lower_the_loss()
    {
        var model = SeededInit.Create("tiny-hier-train", 2, () => new HierarchicalSequenceVae(Tiny));
        model.train();
        var optimizer = optim.Adam(model.parameters(), 0.01);
        var tokens = Tokens(8, 2);
        var losses = new List<float>();
        for (var i = 0; i < 30; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var posterior = model.Encode(tokens);
            var loss = model.Reconstruct(tokens, posterior.Mean, ReconstructionSettings.TeacherForced).Nll.mean();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        Assert.True(losses[^1] < losses[0] * 0.5, $"loss {losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void The_segment_encoder_reads_bars_apart_and_zero_gives_the_flat_encoder()
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var model = Model();
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Contains(names, n => n.StartsWith("segmentEncoder.", StringComparison.Ordinal));
        // The encoder LSTM reads 4 segment summaries of 2 × 8, not 32 one-hot steps.
        Assert.Equal([4L * 16, 2 * 8], model.named_parameters().Single(p => p.name == "encoder.weight_ih_l0").parameter.shape);
        // Shifting a token changes the code (both bars' summaries reach μ).
        var a = Tokens(1, 1);
        var b = a.clone();
        b[0, 3] = tensor(11L);
        Assert.True((model.Encode(a).Mean - model.Encode(b).Mean).abs().max().item<float>() > 0);

        var flat = SeededInit.Create("tiny-hier-flat", 1, () => new HierarchicalSequenceVae(Tiny with { SegmentEncoderHidden = 0 }));
        Assert.DoesNotContain(flat.named_parameters(), p => p.name.StartsWith("segmentEncoder.", StringComparison.Ordinal));
        Assert.Equal([4L * 16, 12], flat.named_parameters().Single(p => p.name == "encoder.weight_ih_l0").parameter.shape);
        Assert.Equal([2L, 6], flat.Encode(Tokens(2, 1)).Mean.shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => (Tiny with { SegmentEncoderHidden = -1 }).Validate());
    }
}
