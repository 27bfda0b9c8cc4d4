using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Variation;

public class SlerpTests
{
    [Fact]
    public void Endpoints_are_the_inputs()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var a = randn(new long[] { 4, 16 }, generator: g);
        var b = randn(new long[] { 4, 16 }, generator: g);
        Assert.True(Slerp.Interpolate(a, b, 0).allclose(a, 1e-5, 1e-5));
        Assert.True(Slerp.Interpolate(a, b, 1).allclose(b, 1e-5, 1e-5));
    }

    [Fact]
    public void Equal_norm_inputs_keep_their_norm_and_move_at_constant_angular_speed()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 0, 0 }).view(1, 3);
        var b = tensor(new float[] { 0, 1, 0 }).view(1, 3);
        foreach (var t in new[] { 0.1, 0.25, 0.5, 0.9 })
        {
            var p = Slerp.Interpolate(a, b, t);
            Assert.Equal(1.0, p.norm().item<float>(), 5);
            var angle = Math.Acos(p[0, 0].item<float>());
            Assert.Equal(t * Math.PI / 2, angle, 4);
        }
    }

    [Fact]
    public void Midpoint_is_not_shrunk_like_a_linear_mix()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 3, 0 }).view(1, 2);
        var b = tensor(new float[] { 0, 3 }).view(1, 2);
        Assert.Equal(3.0, Slerp.Interpolate(a, b, 0.5).norm().item<float>(), 4);
        Assert.True(((a + b) * 0.5).norm().item<float>() < 2.2);
    }

    [Fact]
    public void Parallel_inputs_fall_back_to_linear_interpolation()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 1 }).view(1, 2);
        var b = tensor(new float[] { 2, 2 }).view(1, 2);
        var p = Slerp.Interpolate(a, b, 0.5);
        Assert.False(p.isnan().any().item<bool>());
        Assert.True(p.allclose(tensor(new float[] { 1.5f, 1.5f }).view(1, 2), 1e-5, 1e-5));
    }
}
