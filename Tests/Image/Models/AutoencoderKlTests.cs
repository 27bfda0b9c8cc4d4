using System.Text.RegularExpressions;
using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Image.Models;

/// <summary>
/// The Stable Diffusion VAE architecture against its PyTorch twin (bench/reference/autoencoder_kl.py): a tiny random
/// configuration saved there as diffusers saves one (Fixtures/autoencoder-kl-tiny), with the twin's posterior and decodes
/// for images whose sides are not multiples of the downsampling.
/// </summary>
public class AutoencoderKlTests
{
    private static readonly string Fixture = Path.Combine(RepoPaths.Root, "Tests", "Image", "Fixtures", "autoencoder-kl-tiny");

    private static Dictionary<string, Tensor> Expected() => SafeTensors.Read(Path.Combine(Fixture, "expected.safetensors")).Tensors;

    private static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = expected.sub(actual).abs().max().item<float>();
        Assert.True(difference <= 1e-5, $"{what}: differs from the PyTorch twin by {difference}");
    }

    [Fact]
    public void A_diffusers_folder_loads_and_gives_the_twins_latents_and_images()
    {
        using var scope = NewDisposeScope();
        using var model = AutoencoderKlWeights.Load(Fixture);
        Assert.Equal([8, 16, 16], model.Config.BlockOutChannels);
        Assert.Equal(4, model.Config.Downsampling);
        var expected = Expected();
        using var inference = inference_mode();
        var posterior = model.Encode(expected["images"]);
        Close(expected["mean"], posterior.Mean, "mean");
        Close(expected["log_variance"], posterior.LogVariance, "log-variance");
        Close(expected["decoded"], model.Decode(posterior.Mean), "decode of the mean");
        Close(expected["from_latent"], model.Decode(expected["latent"]), "decode of a latent");
    }

    [Fact]
    public void A_saved_model_loads_back_with_the_same_outputs()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        using var model = AutoencoderKlWeights.Load(Fixture);
        var folder = Path.Combine(temp.Path, "vae");
        AutoencoderKlWeights.Save(model, folder);
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        using var again = AutoencoderKlWeights.Load(folder);
        Assert.Equal(model.Config.BlockOutChannels, again.Config.BlockOutChannels);
        var images = Expected()["images"];
        using var inference = inference_mode();
        Assert.True(again.Decode(again.Encode(images).Mean).SameAs(model.Decode(model.Encode(images).Mean)));
    }

    /// <summary>A Stable Diffusion–shaped configuration (32 norm groups), small.</summary>
    private static readonly AutoencoderKlConfig SdShaped = new() { BlockOutChannels = [32, 64], LayersPerBlock = 1, LatentChannels = 4, NormNumGroups = 32 };

    [Fact]
    public void A_single_file_is_read_as_the_shape_of_its_weights_and_gives_the_same_outputs()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        using var model = new AutoencoderKl(SdShaped with { UsePostQuantConv = false });
        model.eval();
        AutoencoderKlWeights.Save(model, temp.Path);
        var single = Path.Combine(temp.Path, "vae.safetensors");
        File.Move(Path.Combine(temp.Path, AutoencoderKlWeights.WeightsFile), single);
        using var loaded = AutoencoderKlWeights.Load(single);
        var config = loaded.Config;
        Assert.Equal([32, 64], config.BlockOutChannels);
        Assert.Equal((1, 3, 3, 4, 32), (config.LayersPerBlock, config.InChannels, config.OutChannels, config.LatentChannels, config.NormNumGroups));
        Assert.True(config.MidBlockAddAttention && config.UseQuantConv && !config.UsePostQuantConv);
        var images = rand(1, 3, 8, 12, generator: new Generator(2));
        using var inference = inference_mode();
        Assert.True(loaded.Decode(loaded.Encode(images).Mean).SameAs(model.Decode(model.Encode(images).Mean)));
    }

    /// <summary>A diffusers name in the original latent-diffusion checkpoint's naming (written here from that layout, not from the loader's rules).</summary>
    private static string OriginalName(string name, int levels)
    {
        name = Regex.Replace(name, @"^encoder\.down_blocks\.(\d+)\.resnets\.", "encoder.down.$1.block.");
        name = Regex.Replace(name, @"^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", "encoder.down.$1.downsample.");
        name = Regex.Replace(name, @"^decoder\.up_blocks\.(\d+)\.resnets\.", m => $"decoder.up.{levels - 1 - int.Parse(m.Groups[1].Value)}.block.");
        name = Regex.Replace(name, @"^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.", m => $"decoder.up.{levels - 1 - int.Parse(m.Groups[1].Value)}.upsample.");
        return "first_stage_model." + name.Replace("conv_shortcut", "nin_shortcut").Replace("mid_block.resnets.0.", "mid.block_1.")
            .Replace("mid_block.resnets.1.", "mid.block_2.").Replace("mid_block.attentions.0.group_norm.", "mid.attn_1.norm.")
            .Replace("mid_block.attentions.0.to_q.", "mid.attn_1.q.").Replace("mid_block.attentions.0.to_k.", "mid.attn_1.k.")
            .Replace("mid_block.attentions.0.to_v.", "mid.attn_1.v.").Replace("mid_block.attentions.0.to_out.0.", "mid.attn_1.proj_out.")
            .Replace("conv_norm_out.", "norm_out.");
    }

    [Fact]
    public void A_whole_checkpoint_in_the_original_names_loads_its_vae_with_the_same_outputs()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        using var model = new AutoencoderKl(SdShaped with { BlockOutChannels = [32, 32, 64] });
        model.eval();
        var levels = model.Config.BlockOutChannels.Length;
        var original = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in model.state_dict())
            // The original attention's q, k, v and output are 1×1 convolutions.
            original[OriginalName(name, levels)] = name.Contains(".attentions.", StringComparison.Ordinal) && p.dim() == 2 ? p.view(p.shape[0], p.shape[1], 1, 1) : p;
        original["model.diffusion_model.input_blocks.0.0.weight"] = zeros(4, 4, 3, 3); // the rest of a whole checkpoint, left out
        var path = Path.Combine(temp.Path, "v1-5-pruned.safetensors");
        SafeTensors.Write(path, original);
        // The original numbers decoder levels by resolution, finest first: the coarsest (up.2) upsamples, the finest does not.
        Assert.Contains("first_stage_model.decoder.up.2.upsample.conv.weight", original.Keys);
        Assert.DoesNotContain("first_stage_model.decoder.up.0.upsample.conv.weight", original.Keys);
        using var loaded = AutoencoderKlWeights.Load(path);
        Assert.Equal([32, 32, 64], loaded.Config.BlockOutChannels);
        // The file's header alone tells its shape and size (a listing of models does not read the weights).
        var (described, parameters) = AutoencoderKlWeights.Describe(path);
        Assert.Equal(loaded.Config.BlockOutChannels, described.BlockOutChannels);
        Assert.Equal(loaded.Config.LatentChannels, described.LatentChannels);
        Assert.Equal(loaded.Config.MidBlockAddAttention, described.MidBlockAddAttention);
        Assert.Equal(loaded.parameters().Sum(p => p.numel()), parameters);
        var images = rand(1, 3, 8, 12, generator: new Generator(4));
        using var inference = inference_mode();
        Assert.True(loaded.Decode(loaded.Encode(images).Mean).SameAs(model.Decode(model.Encode(images).Mean)));
    }

    [Fact]
    public void A_single_file_whose_channels_32_groups_do_not_divide_is_refused_not_guessed()
    {
        using var temp = new TempDir();
        var single = Path.Combine(temp.Path, "tiny.safetensors");
        File.Copy(Path.Combine(Fixture, AutoencoderKlWeights.WeightsFile), single);
        var e = Assert.Throws<ModelLoadException>(() => AutoencoderKlWeights.Load(single));
        Assert.Contains("config.json", e.Message);
    }

    [Theory]
    [InlineData("encoder.down.1.block.0.nin_shortcut.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.weight")]
    [InlineData("encoder.down.0.downsample.conv.bias", "encoder.down_blocks.0.downsamplers.0.conv.bias")]
    [InlineData("decoder.up.0.block.2.conv1.weight", "decoder.up_blocks.2.resnets.2.conv1.weight")] // the original numbers decoder levels finest first
    [InlineData("decoder.up.2.upsample.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight")]
    [InlineData("first_stage_model.encoder.mid.block_2.norm1.weight", "encoder.mid_block.resnets.1.norm1.weight")]
    [InlineData("first_stage_model.decoder.norm_out.bias", "decoder.conv_norm_out.bias")]
    [InlineData("first_stage_model.quant_conv.weight", "quant_conv.weight")]
    [InlineData("encoder.mid_block.attentions.0.proj_attn.weight", "encoder.mid_block.attentions.0.to_out.0.weight")]
    public void Original_and_older_names_become_diffusers_names(string original, string diffusers)
    {
        using var scope = NewDisposeScope();
        var weights = new Dictionary<string, Tensor> { [original] = zeros(2), ["decoder.up.0.block.0.conv1.weight"] = zeros(1), ["decoder.up.2.block.0.conv1.weight"] = zeros(1) };
        if (original.StartsWith("first_stage_model.", StringComparison.Ordinal))
        {
            weights = weights.ToDictionary(w => w.Key.StartsWith("first_stage_model.", StringComparison.Ordinal) ? w.Key : "first_stage_model." + w.Key, w => w.Value);
            weights["model.diffusion_model.input_blocks.0.0.weight"] = zeros(1); // the rest of a whole checkpoint
            weights["first_stage_model.encoder.conv_in.weight"] = zeros(1);
        }
        var renamed = AutoencoderKlWeights.ToDiffusersNames(weights);
        Assert.Contains(diffusers, renamed.Keys);
        Assert.DoesNotContain(renamed.Keys, k => k.StartsWith("model.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_original_attentions_convolutions_become_linear_weights()
    {
        using var scope = NewDisposeScope();
        var renamed = AutoencoderKlWeights.ToDiffusersNames(new Dictionary<string, Tensor> { ["encoder.mid.attn_1.q.weight"] = ones(6, 6, 1, 1) });
        Assert.Equal([6L, 6L], renamed["encoder.mid_block.attentions.0.to_q.weight"].shape);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_config_are_refused_naming_them()
    {
        using var temp = new TempDir();
        File.Copy(Path.Combine(Fixture, "diffusion_pytorch_model.safetensors"), Path.Combine(temp.Path, "diffusion_pytorch_model.safetensors"));
        File.WriteAllText(Path.Combine(temp.Path, "config.json"), File.ReadAllText(Path.Combine(Fixture, "config.json")).Replace("\"layers_per_block\": 1", "\"layers_per_block\": 2"));
        var e = Assert.Throws<ModelLoadException>(() => AutoencoderKlWeights.Load(temp.Path));
        Assert.Contains("missing", e.Message);
        Assert.Contains("resnets.1", e.Message);
    }

    [Fact]
    public void A_new_model_starts_its_norms_at_one_and_zero_as_pytorch_does()
    {
        using var scope = NewDisposeScope();
        using var model = new AutoencoderKl(SdShaped);
        var norms = model.state_dict().Where(p => p.Key.Contains("norm", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(norms);
        foreach (var (name, p) in norms)
            Assert.True(p.SameAs(name.EndsWith(".weight", StringComparison.Ordinal) ? ones_like(p) : zeros_like(p)), name);
    }

    [Theory]
    [InlineData(13, 10)]
    [InlineData(16, 16)]
    [InlineData(1, 7)]
    public void Padding_to_the_downsampling_keeps_the_image_and_repeats_its_edge(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = AutoencoderKlWeights.Load(Fixture);
        var images = rand(1, 3, height, width, generator: new Generator(3));
        var padded = model.PadToMultiple(images);
        Assert.Equal(0, padded.shape[2] % 4);
        Assert.Equal(0, padded.shape[3] % 4);
        Assert.True(padded[.., .., ..height, ..width].SameAs(images));
        Assert.True(padded[.., .., ^1, ..width].SameAs(images[.., .., height - 1, ..]));
        using var inference = inference_mode();
        var decoded = model.Decode(model.Encode(padded).Mean);
        Assert.Equal(padded.shape, decoded.shape);
    }
}
