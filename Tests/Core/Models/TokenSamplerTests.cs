using VaeCreative.Core.Models;
using VaeCreative.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Models;

public class TokenSamplerTests
{
    [Fact]
    public void A_row_without_a_nucleus_samples_the_same_whether_or_not_another_row_has_one()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(4);
        for (var draw = 0; draw < 50; draw++)
        {
            using var three = 3.ToScalar();
            var logits = randn(2, 40, generator: generator).mul(three);
            var uniform = rand(2, generator: generator);
            var temperatures = ones(2);
            var alone = TokenSampler.Sample(logits, uniform, temperatures, null);
            var beside = TokenSampler.Sample(logits, uniform, temperatures, tensor(new[] { 1.0f, 0.5f }));
            Assert.True(alone[0].SameAs(beside[0]), $"draw {draw}: a top-p row in the batch changed the other row's token");
        }
    }

    [Fact]
    public void A_nucleus_row_only_draws_from_its_nucleus()
    {
        using var scope = NewDisposeScope();
        // Probabilities ∝ 8, 4, 2, 1, 1: the nucleus of p = 0.7 holds the two likeliest tokens (8/16 + 4/16 = 0.75).
        var logits = tensor(new[] { 8f, 4f, 2f, 1f, 1f }).log().unsqueeze(0);
        for (var i = 0; i < 20; i++)
        {
            var u = tensor(new[] { (i + 0.5f) / 20 });
            var token = TokenSampler.Sample(logits, u, ones(1), tensor(new[] { 0.7f })).item<long>();
            Assert.InRange(token, 0, 1);
        }
    }
}
