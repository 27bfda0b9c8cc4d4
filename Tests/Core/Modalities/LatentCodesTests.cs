using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Modalities;

public class LatentCodesTests
{
    [Fact]
    public void A_latent_file_gives_back_its_codes_properties_modality_and_model()
    {
        using var scope = NewDisposeScope();
        var mean = randn([2, 4, 3, 5], generator: new Generator(1));
        var stdDev = rand([2, 4, 3, 5], generator: new Generator(2));
        var codes = new LatentCodes(mean, stdDev, new Dictionary<string, string> { ["width"] = "10", ["height"] = "6" });
        var (back, modality, model) = LatentCodes.FromBytes(codes.ToBytes("image", "/models/sprites"), "test");
        Assert.True(back.Mean.SameAs(mean));
        Assert.True(back.StdDev.SameAs(stdDev));
        Assert.Equal(("image", "/models/sprites"), (modality, model));
        Assert.Equal((10, 6), (back.IntProperty("width"), back.IntProperty("height")));
        Assert.Null(back.IntProperty("depth"));
        // Equal codes give equal files.
        Assert.Equal(codes.ToBytes("image", "m"), codes.ToBytes("image", "m"));
    }

    [Fact]
    public void Another_tools_latent_is_read_with_comfyuis_scaling_rule()
    {
        using var scope = NewDisposeScope();
        var latent = randn([1, 4, 8, 8], generator: new Generator(3));
        // ComfyUI's SaveLatent: latent_tensor and the empty latent_format_version_0 marker (unscaled).
        var marked = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["latent_tensor"] = latent, ["latent_format_version_0"] = empty(0) });
        var (codes, modality, model) = LatentCodes.FromBytes(marked, "comfy");
        Assert.True(codes.Mean.SameAs(latent));
        Assert.True(codes.StdDev.SameAs(zeros_like(latent)));
        Assert.Equal((null, null), (modality, model));
        // Without the marker, ComfyUI's older files hold latents times 0.18215.
        var old = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["latent_tensor"] = latent });
        Assert.True(LatentCodes.FromBytes(old, "old").Codes.Mean.allclose(latent.div(0.18215), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Files_that_hold_no_latent_are_refused_naming_the_file()
    {
        using var scope = NewDisposeScope();
        var weights = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["encoder.conv_in.weight"] = zeros(2, 2) });
        Assert.Contains("'weights.safetensors' holds no 'latent_tensor'", Assert.Throws<ModelLoadException>(() => LatentCodes.FromBytes(weights, "weights.safetensors")).Message);
        var integers = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["latent_tensor"] = zeros([1, 4], dtype: ScalarType.Int64) });
        Assert.Throws<ModelLoadException>(() => LatentCodes.FromBytes(integers, "ints"));
        var nan = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["latent_tensor"] = full([1, 4], float.NaN), ["latent_format_version_0"] = empty(0) });
        Assert.Contains("not finite", Assert.Throws<ModelLoadException>(() => LatentCodes.FromBytes(nan, "nan")).Message);
        Assert.Contains("not a valid safetensors file", Assert.Throws<ModelLoadException>(() => LatentCodes.FromBytes("hello"u8.ToArray(), "text")).Message);
        Assert.Contains("does not exist", Assert.Throws<ModelLoadException>(() => LatentCodes.Read("/no/such/latent.safetensors")).Message);
    }
}
