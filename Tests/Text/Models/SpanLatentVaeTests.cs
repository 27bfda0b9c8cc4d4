using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Text.Models;
using static TorchSharp.torch;
using static VaeCreative.Tests.Text.Models.TinySentences;

namespace VaeCreative.Tests.Text.Models;

/// <summary>The span-latent VAE: one code per span, each step reading its own span's code.</summary>
public class SpanLatentVaeTests
{
    private static SpanLatentVae Model(int spanTokens = 1, RecurrentCell cell = RecurrentCell.Lstm, long seed = 0)
    {
        var model = new SpanLatentVae(Options with { SpanTokens = spanTokens, Cell = cell }, new Generator((ulong)seed));
        model.eval();
        return model;
    }

    [Theory]
    [InlineData(1, RecurrentCell.Lstm, 11)]
    [InlineData(2, RecurrentCell.Gru, 6)]
    [InlineData(4, RecurrentCell.Lstm, 3)]
    public void The_latent_holds_one_code_per_span_of_the_predicted_positions(int span, RecurrentCell cell, int spans)
    {
        using var scope = NewDisposeScope();
        using var model = Model(span, cell);
        Assert.Equal(spans * Options.LatentSize, model.LatentSize);
        var batch = Rows(Width, Short, Long);
        var posterior = model.Encode(batch);
        Assert.Equal([2L, spans * Options.LatentSize], posterior.Mean.shape);
        var reconstruction = model.Reconstruct(batch, posterior.Mean, ReconstructionSettings.TeacherForced);
        Assert.Equal([2L], reconstruction.Nll.shape);
        Assert.Equal(Short.Length + 1 + Long.Length + 1, reconstruction.Total);
        using var generator = new Generator(3);
        var generated = model.Generate(randn(3, model.LatentSize, generator: generator), new GenerationSettings(1.0, generator));
        Assert.Equal([3L, Width], generated.shape);
        Assert.True(generated.select(1, 0).eq(Bos).all().item<bool>());
    }

    [Fact]
    public void Spans_after_the_end_are_the_prior_and_cost_no_kl()
    {
        using var scope = NewDisposeScope();
        using var model = Model(spanTokens: 2);
        // Short: 3 tokens + EOS = predicted positions 1–4, spans 0 and 1; spans 2–5 hold nothing.
        var posterior = model.Encode(Rows(Width, Short));
        var mean = posterior.Mean.view(6, Options.LatentSize);
        var logVariance = posterior.LogVariance.view(6, Options.LatentSize);
        Assert.True(mean.narrow(0, 2, 4).eq(0).all().item<bool>());
        Assert.True(logVariance.narrow(0, 2, 4).eq(0).all().item<bool>());
        Assert.False(mean.narrow(0, 0, 2).eq(0).all().item<bool>());
        var perSpan = posterior.KlToStandardNormal().item<float>();
        var firstTwo = new global::VaeCreative.Core.Posteriors.DiagonalGaussian(posterior.Mean.narrow(1, 0, 2 * Options.LatentSize), posterior.LogVariance.narrow(1, 0, 2 * Options.LatentSize)).KlToStandardNormal().item<float>();
        Assert.Equal(firstTwo, perSpan, 4);
    }

    [Fact]
    public void A_step_reads_its_own_span_code_and_no_later_one()
    {
        using var scope = NewDisposeScope();
        using var model = Model(spanTokens: 1, seed: 2);
        var batch = Rows(Width, Long);
        var z = model.Encode(batch).Mean;
        // Position 6's code (span 5) moved: greedy decoding keeps positions 1–5 and the teacher-forced NLL changes.
        var changed = z.clone();
        changed.narrow(1, 5 * Options.LatentSize, Options.LatentSize).add_(5.0);
        var before = Greedy(model, z);
        var after = Greedy(model, changed);
        Assert.True(before.narrow(1, 0, 6).eq(after.narrow(1, 0, 6)).all().item<bool>(), "an earlier step read a later span's code");
        var nll = model.Reconstruct(batch, z, ReconstructionSettings.TeacherForced).Nll;
        var moved = model.Reconstruct(batch, changed, ReconstructionSettings.TeacherForced).Nll;
        Assert.False(nll.allclose(moved), "no step read the moved code");
    }

    private static Tensor Greedy(SpanLatentVae model, Tensor z)
    {
        using var generator = new Generator(1);
        return model.Generate(z, new GenerationSettings(0, generator));
    }

    [Fact]
    public void Rows_encode_as_they_do_alone_whatever_else_is_in_the_batch()
    {
        using var scope = NewDisposeScope();
        using var model = Model(spanTokens: 2, cell: RecurrentCell.Gru, seed: 5);
        var both = model.Encode(Rows(Width, Long, Short)).Mean;
        var alone = model.Encode(Rows(Width, Short)).Mean;
        var narrower = model.Encode(Rows(6, Short)).Mean; // a batch narrower than the model's width
        Assert.True(both[1].allclose(alone[0], rtol: 1e-5, atol: 1e-6));
        Assert.True(narrower.allclose(alone, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Options_without_a_span_are_refused_and_a_saved_model_loads_the_same()
    {
        Assert.Throws<ArgumentException>(() => new SpanLatentVae(Options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpanLatentVae(Options with { SpanTokens = 0 }));
        var json = ModelManifest.ToJsonObject(Options with { SpanTokens = 3 });
        Assert.Equal(3, json["spanTokens"]!.GetValue<int>());
        Assert.Null(ModelManifest.ToJsonObject(Options)["spanTokens"]); // sentence-vae manifests stay as they were
        Assert.Equal(Options with { SpanTokens = 3 }, ModelManifest.FromJsonObject<SentenceVaeOptions>(json));
    }
}
