using System.Runtime.InteropServices;
using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Runtime;

public class FbgemmFp16Tests
{
    private const string Product = """
        def product(x: Tensor, packed: Tensor, bias: Tensor) -> Tensor:
            return linear16(x, packed, bias)

        """;

    [Fact]
    public void Libtorch_for_x64_has_it()
    {
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64) Assert.True(FbgemmFp16.IsAvailable);
    }

    [Fact]
    public void A_packed_product_is_the_fp32_product_within_fp16_rounding()
    {
        if (!FbgemmFp16.IsAvailable) return;
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var weight = randn([300, 40], generator: generator);
        var bias = randn([300], generator: generator);
        var x = randn([7, 40], generator: generator);
        using var packed = FbgemmFp16.Pack(weight);
        using var script = FbgemmFp16.Compile(Product)!;
        var product = (Tensor)script.invoke("product", x, packed, bias)!;
        var expected = nn.functional.linear(x, weight, bias);
        Assert.Equal(expected.shape, product.shape);
        // fp16 keeps 11 significant bits: each weight moves by at most 2⁻¹¹ of itself.
        var bound = x.abs().mm(weight.abs().t()).mul(1.0 / 2048).add(1e-4);
        Assert.True(product.sub(expected).abs().le(bound).all().item<bool>(), $"largest difference {product.sub(expected).abs().max().item<float>()}");
        Assert.False(product.allclose(expected, rtol: 0, atol: 0), "the product should read the rounded weights");
    }

    [Fact]
    public void A_packed_copy_outlives_the_scope_it_was_made_in()
    {
        if (!FbgemmFp16.IsAvailable) return;
        Tensor packed;
        using (NewDisposeScope()) packed = FbgemmFp16.Pack(ones(4, 3));
        using (packed)
        using (var script = FbgemmFp16.Compile(Product)!)
        using (NewDisposeScope())
        {
            var product = (Tensor)script.invoke("product", ones(2, 3), packed, zeros(4))!;
            Assert.True(product.eq(3).all().item<bool>());
        }
    }

    [Fact]
    public void Only_2d_fp32_cpu_weights_are_packed()
    {
        if (!FbgemmFp16.IsAvailable) return;
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => FbgemmFp16.Pack(ones(4, 3, dtype: ScalarType.BFloat16)));
        Assert.Contains("BFloat16", error.Message);
        Assert.Throws<ArgumentException>(() => FbgemmFp16.Pack(ones(4)));
    }

    [Fact]
    public void Versions_count_in_place_changes()
    {
        if (!FbgemmFp16.IsAvailable) return;
        using var scope = NewDisposeScope();
        var a = zeros(3);
        var b = zeros(3);
        var before = FbgemmFp16.Versions([a, b]);
        Assert.Equal(before, FbgemmFp16.Versions([a, b]));
        a.add_(1);
        b.mul_(2);
        Assert.Equal(before + 2, FbgemmFp16.Versions([a, b]));
        _ = a.add(1); // not in place
        Assert.Equal(before + 2, FbgemmFp16.Versions([a, b]));
    }
}
