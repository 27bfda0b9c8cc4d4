using System.Text.Json;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary>Image models through the same commands as every modality: vary (with its contact sheet), interpolate, sample, eval, train.</summary>
public class ImageCliTests
{
    private static RgbaImage Read(string path) => ImageDecoder.Decode(File.ReadAllBytes(path), path);

    [Fact]
    public void Vary_writes_pngs_at_the_seed_size_and_a_contact_sheet_named_in_json()
    {
        using var dir = new TempDir();
        var seed = Path.Combine(dir.Path, "slime.png");
        File.WriteAllBytes(seed, ImageEncoder.Png(TinyImageRun.Sprite(8)));
        var output = Path.Combine(dir.Path, "out");
        var result = Support.Cli.Run("vary", "--model", TinyImageRun.SpriteModel, "--seed", seed, "--out", output, "--json", "--palette", "seed");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => Path.Combine(output, $"slime-var{i:00}.png")), outputs);
        Assert.All(outputs, p => Assert.Equal((16, 16), (Read(p).Width, Read(p).Height)));
        var sheet = json.RootElement.GetProperty("sheet").GetString()!;
        Assert.Equal(Path.Combine(output, "slime-sheet.png"), sheet);
        var image = Read(sheet);
        var cell = 16 + ContactSheet.Gap;
        Assert.Equal((3 * cell + ContactSheet.Gap, 3 * cell + ContactSheet.Gap), (image.Width, image.Height));
        // Written again without --force: refused before any model work, the sheet included.
        var again = Support.Cli.Run("vary", "--model", TinyImageRun.SpriteModel, "--seed", seed, "--out", output);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
    }

    [Fact]
    public void Encode_writes_a_latent_file_that_decode_turns_back_into_the_image_size()
    {
        using var dir = new TempDir();
        var seed = Path.Combine(dir.Path, "slime.png");
        File.WriteAllBytes(seed, ImageEncoder.Png(ImageFit.ResizeNearest(TinyImageRun.Sprite(8), 23, 14)));
        var latent = Path.Combine(dir.Path, "slime.safetensors");
        var encoded = Support.Cli.Run("encode", "--model", TinyImageRun.SpatialModel, "--seed", seed, "--out", latent, "--json");
        Assert.True(encoded.ExitCode == 0, encoded.Stderr);
        using (var json = JsonDocument.Parse(encoded.Stdout))
            Assert.Equal([1, 4, 7, 12], json.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        // The file names its model: decode needs no --model.
        var image = Path.Combine(dir.Path, "back.png");
        var decoded = Support.Cli.Run("decode", "--latent", latent, "--out", image);
        Assert.True(decoded.ExitCode == 0, decoded.Stderr);
        Assert.Equal((23, 14), (Read(image).Width, Read(image).Height));
        // Neither is overwritten without --force; a text file is no latent; a one-code model takes no spatial latent.
        Assert.Contains("--force", Support.Cli.Run("encode", "--model", TinyImageRun.SpatialModel, "--seed", seed, "--out", latent).Stderr);
        Assert.Contains("--force", Support.Cli.Run("decode", "--latent", latent, "--out", image).Stderr);
        var notes = Path.Combine(dir.Path, "notes.safetensors");
        File.WriteAllText(notes, "not a latent");
        var bad = Support.Cli.Run("decode", "--latent", notes, "--model", TinyImageRun.SpatialModel, "--out", Path.Combine(dir.Path, "x.png"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not a valid safetensors file", bad.Stderr);
        var wrongModel = Support.Cli.Run("decode", "--latent", latent, "--model", TinyImageRun.SpriteModel, "--out", Path.Combine(dir.Path, "y.png"));
        Assert.Equal(2, wrongModel.ExitCode);
        Assert.Contains("this model decodes [rows, 4]", wrongModel.Stderr);
    }

    [Fact]
    public void Eval_variations_reports_the_image_figures()
    {
        var run = Support.Cli.Run("eval", "--variations", "--model", TinyImageRun.SpriteModel, "--data", TinyImageRun.SpriteFolder(),
            "--max-examples", "3", "--count", "2", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        foreach (var key in new[] { "reconstruction_rgb", "variation_rgb_to_seed", "variation_rgb_to_unrelated", "palette_rate",
                     "reconstruction_palette_rate", "reconstruction_rgb_error", "variation_rgb_error", "reconstruction_visibility_agreement",
                     "variation_visibility_agreement", "reconstruction_sharpness", "variation_sharpness" })
            Assert.InRange(root.GetProperty(key).GetDouble(), 0, key.EndsWith("sharpness", StringComparison.Ordinal) ? 10 : 1);
        Assert.Equal(1 - root.GetProperty("reconstruction_rgb_error").GetDouble(), root.GetProperty("reconstruction_rgb").GetDouble(), 9);
        Assert.True(root.TryGetProperty("variation_palette_distance", out _));
        Assert.Equal(3, root.GetProperty("seeds").GetInt32());
    }

    [Fact]
    public void Eval_variations_names_the_file_of_a_damaged_seed()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "a-good.png"), ImageEncoder.Png(TinyImageRun.Sprite(1)));
        var png = ImageEncoder.Png(TinyImageRun.Sprite(2));
        var damaged = Path.Combine(dir.Path, "b-cut.png");
        File.WriteAllBytes(damaged, png[..(png.Length / 2)]);
        var run = Support.Cli.Run("eval", "--variations", "--model", TinyImageRun.SpriteModel, "--data", dir.Path, "--count", "2", "--json");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(damaged, run.Stderr);
        Assert.DoesNotContain("seed 2", run.Stderr);
    }

    [Fact]
    public void Interpolate_writes_frames_and_a_strip_and_sample_a_grid()
    {
        using var dir = new TempDir();
        var a = Path.Combine(dir.Path, "a.png");
        var b = Path.Combine(dir.Path, "b.png");
        File.WriteAllBytes(a, ImageEncoder.Png(TinyImageRun.Sprite(1)));
        File.WriteAllBytes(b, ImageEncoder.Png(TinyImageRun.Sprite(20)));
        var interpolate = Support.Cli.Run("interpolate", "--model", TinyImageRun.SpriteModel, "--from", a, "--to", b, "--steps", "4", "--out", dir.Path);
        Assert.True(interpolate.ExitCode == 0, interpolate.Stderr);
        Assert.Equal(4, Directory.GetFiles(dir.Path, "interp0*.png").Length);
        var strip = Read(Path.Combine(dir.Path, "interp-sheet.png"));
        Assert.Equal(16 + 2 * ContactSheet.Gap, strip.Height);
        var sample = Support.Cli.Run("sample", "--model", TinyImageRun.SpriteModel, "--count", "4", "--out", dir.Path, "--json");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        using var json = JsonDocument.Parse(sample.Stdout);
        Assert.Equal(4, json.RootElement.GetProperty("outputs").GetArrayLength());
        Assert.True(File.Exists(json.RootElement.GetProperty("sheet").GetString()));
    }

    [Fact]
    public void Eval_reports_bits_per_dimension_and_a_bad_image_is_one_line()
    {
        var eval = Support.Cli.Run("eval", "--model", TinyImageRun.GreyModel, "--data", TinyImageRun.GreyFolder(), "--split", "test", "--json", "--importance-samples", "4");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        using var json = JsonDocument.Parse(eval.Stdout);
        var root = json.RootElement;
        var images = root.GetProperty("images").GetInt32();
        Assert.InRange(images, 1, 72);
        Assert.Equal(256, root.GetProperty("dimensions").GetInt32());
        var nll = root.GetProperty("nll_nats").GetDouble();
        Assert.Equal(nll / (256 * Math.Log(2)), root.GetProperty("bits_per_dim").GetDouble(), 9);
        Assert.True(root.GetProperty("elbo_sampled_nats").GetDouble() >= nll - 1e-9, "the importance-weighted NLL sits under the ELBO");
        foreach (var key in new[] { "elbo_nats", "kl_nats" }) Assert.True(root.GetProperty(key).GetDouble() >= 0);
        Assert.InRange(root.GetProperty("active_units").GetInt32(), 0, 4);
        Assert.False(root.TryGetProperty("accuracy_teacher_forced", out _));
        Assert.False(root.TryGetProperty("perplexity", out _));

        using var dir = new TempDir();
        var broken = Path.Combine(dir.Path, "broken.png");
        File.WriteAllBytes(broken, ImageEncoder.Png(TinyImageRun.Sprite(3))[..50]);
        var bad = Support.Cli.Run("vary", "--model", TinyImageRun.SpriteModel, "--seed", broken, "--out", dir.Path);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Contains("broken.png", bad.Stderr);
        Assert.Empty(Directory.GetFiles(dir.Path, "*-var*.png"));
    }

    [Fact]
    public void Eval_of_all_takes_both_parts_of_a_data_set_with_its_own_split()
    {
        // An MNIST-style idx folder of the grey model's 16-pixel shapes: 10 training images, 6 held out (t10k).
        using var dir = new TempDir();
        byte[] Pixels(int from, int count) => Enumerable.Range(from, count)
            .SelectMany(i => { var rgba = TinyImageRun.Sprite(i, grey: true).Rgba; return Enumerable.Range(0, 256).Select(p => rgba[4 * p] == 255 ? (byte)255 : (byte)(2 * i)); })
            .ToArray(); // a background level of its own per image: no two alike (repeats would be left out)
        File.WriteAllBytes(Path.Combine(dir.Path, "train-images-idx3-ubyte"), VaeCreative.Tests.Image.Corpus.IdxImagesTests.Idx(VaeCreative.Image.Corpus.IdxImages.ImagesMagic, 10, 16, 16, Pixels(0, 10)));
        File.WriteAllBytes(Path.Combine(dir.Path, "t10k-images-idx3-ubyte"), VaeCreative.Tests.Image.Corpus.IdxImagesTests.Idx(VaeCreative.Image.Corpus.IdxImages.ImagesMagic, 6, 16, 16, Pixels(10, 6)));
        int Images(string split)
        {
            var eval = Support.Cli.Run("eval", "--model", TinyImageRun.GreyModel, "--data", dir.Path, "--split", split, "--json", "--importance-samples", "2", "--batch", "4");
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            using var json = JsonDocument.Parse(eval.Stdout);
            return json.RootElement.GetProperty("images").GetInt32();
        }
        Assert.Equal(10, Images("train"));
        Assert.Equal(6, Images("test"));
        Assert.Equal(16, Images("all")); // batches of 4 cross from one part into the other
    }

    [Fact]
    public void Train_cuts_tiles_and_writes_an_image_model()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "model");
        var result = Support.Cli.Run("train", "--modality", "image", "--data", TinyImageRun.SpriteFolder(), "--tile", "8", "--flip", "true",
            "--size", "small", "--latent", "3", "--steps", "6", "--batch", "8", "--out", output, "--threads", "1", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json"))).RootElement;
        Assert.Equal("image", manifest.GetProperty("modality").GetString());
        Assert.Equal(8, manifest.GetProperty("encoding").GetProperty("size").GetInt32());
        Assert.Contains("8-pixel cells", result.Stderr);
    }
}
