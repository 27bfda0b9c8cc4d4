using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Host.Server;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;

namespace VaeCreative.Tests.Host.Server;

/// <summary>The generation endpoints serve an image model (the tiny sprite model the image tests train) with the client's image calls, and refuse bad images.</summary>
public class ImageEndpointsTests : IAsyncLifetime
{
    internal const string Model = "tiny-sprites";
    private RunningHost host = null!;

    public async Task InitializeAsync() => host = await StartWithSprites();

    /// <summary>A host (with <paramref name="configure"/>'s settings) serving the tiny sprite model as <see cref="Model"/>.</summary>
    internal static async Task<RunningHost> StartWithSprites(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var started = await RunningHost.Start(configure);
        var target = Path.Combine(started.Folder, "models", Model);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(TinyImageRun.SpriteModel))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return started;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static RgbaImage Decode(byte[] png) => ImageDecoder.Decode(png, "output");

    [Fact]
    public async Task Image_models_vary_interpolate_and_sample_through_the_same_endpoints()
    {
        var seed = ImageEncoder.Png(TinyImageRun.Sprite(11));
        var variations = await host.Client.VaryImageAsync(Model, seed, count: 4, rng: 3, keepPalette: true);
        Assert.Equal(4, variations.Count);
        Assert.All(variations, v => Assert.Equal((16, 16), (Decode(v).Width, Decode(v).Height)));
        Assert.Equal(4, variations.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(variations.Select(Convert.ToHexString), (await host.Client.VaryImageAsync(Model, seed, count: 4, rng: 3, keepPalette: true)).Select(Convert.ToHexString));
        // A JPEG seed (told from its bytes) of another size comes back at its size, opaque.
        var jpeg = Jpeg(40, 24);
        var fromJpeg = await host.Client.VaryImageAsync(Model, jpeg, count: 2, rng: 1);
        Assert.All(fromJpeg, v => Assert.Equal((40, 24, false), (Decode(v).Width, Decode(v).Height, Decode(v).HasAlpha)));
        var frames = await host.Client.InterpolateImageAsync(Model, seed, ImageEncoder.Png(TinyImageRun.Sprite(40)), steps: 3);
        Assert.Equal(3, frames.Count);
        var samples = await host.Client.SampleImageAsync(Model, count: 2, rng: 1);
        Assert.Equal(2, samples.Count);
        var raw = await host.Client.VaryAsync(Model, new VariationsRequest { Seed = Material.FromImage(seed), Count = 1 });
        Assert.Equal("image/png", raw.Outputs[0].MediaType);
        Assert.Equal("16", raw.Outputs[0].Property("width"));
        Assert.Equal("image", (await host.Client.ListModelsAsync()).Single(m => m.Id == Model).Modality);
    }

    [Fact]
    public async Task A_spatial_model_encodes_to_a_latent_file_and_decodes_it_back_at_the_seed_size()
    {
        const string spatial = "tiny-spatial";
        var target = Path.Combine(host.Folder, "models", spatial);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(TinyImageRun.SpatialModel))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        var seed = ImageEncoder.Png(ImageFit.ResizeNearest(TinyImageRun.Sprite(5), 19, 10));
        var latent = await host.Client.EncodeImageAsync(spatial, seed);
        var (codes, modality, _) = VaeCreative.Core.Modalities.LatentCodes.FromBytes(latent, "answer");
        Assert.Equal("image", modality);
        Assert.Equal(new long[] { 1, 4, 5, 10 }, codes.Mean.shape); // 19 × 10 padded to 20 × 10, halved
        var images = await host.Client.DecodeImagesAsync(spatial, latent);
        Assert.Equal((19, 10), (Decode(images.Single()).Width, Decode(images.Single()).Height));
        // The same latent decodes to the same image the vary path's reconstruction gives.
        Assert.Equal(Convert.ToHexString(images[0]), Convert.ToHexString((await host.Client.DecodeImagesAsync(spatial, latent))[0]));
        var notLatent = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.DecodeImagesAsync(spatial, seed));
        Assert.Equal(ProblemTypes.BadRequest, notLatent.Problem?.Type);
        // The one-code sprite model's latent is a vector: a spatial latent does not fit it.
        var wrong = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.DecodeImagesAsync(Model, latent));
        Assert.Contains("this model decodes", wrong.Problem?.Detail);
    }

    [Fact]
    public async Task A_stable_diffusion_vae_folder_in_the_models_folder_is_served_as_an_image_model()
    {
        var target = Path.Combine(host.Folder, "models", "sd-vae");
        Directory.CreateDirectory(target);
        var fixture = Path.Combine(Support.RepoPaths.Root, "Tests", "Image", "Fixtures", "autoencoder-kl-tiny");
        foreach (var name in new[] { "config.json", "diffusion_pytorch_model.safetensors" })
            File.Copy(Path.Combine(fixture, name), Path.Combine(target, name), overwrite: true);
        var listed = (await host.Client.ListModelsAsync()).Single(m => m.Id == "sd-vae");
        Assert.Equal(("image", "autoencoder-kl"), (listed.Modality, listed.Kind));
        var seed = ImageEncoder.Png(ImageFit.ResizeNearest(TinyImageRun.Sprite(9), 30, 18));
        var variations = await host.Client.VaryImageAsync("sd-vae", seed, count: 2, rng: 1);
        Assert.All(variations, v => Assert.Equal((30, 18), (Decode(v).Width, Decode(v).Height)));
        var latent = await host.Client.EncodeImageAsync("sd-vae", seed);
        Assert.Equal((30, 18), (Decode((await host.Client.DecodeImagesAsync("sd-vae", latent))[0]).Width, Decode((await host.Client.DecodeImagesAsync("sd-vae", latent))[0]).Height));
    }

    [Fact]
    public async Task Damaged_images_bombs_and_text_get_specific_problems()
    {
        var png = ImageEncoder.Png(TinyImageRun.Sprite(2));
        var truncated = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryImageAsync(Model, png[..(png.Length / 2)]));
        Assert.Equal(ProblemTypes.BadSeed, truncated.Problem?.Type);
        Assert.Contains("truncated", truncated.Problem!.Detail);
        // 100,000 × 100,000 pixels declared in a few hundred bytes: refused from the header.
        var bomb = Tests.Image.Imaging.PngBytes.Write(100_000, 100_000, 1, 0, [new byte[12_500]]);
        var over = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryImageAsync(Model, bomb));
        Assert.Equal(ProblemTypes.LimitExceeded, over.Problem?.Type);
        var text = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryTextAsync(Model, "a slime"));
        Assert.Equal(ProblemTypes.BadSeed, text.Problem?.Type);
        Assert.Contains("image", text.Problem!.Detail);
        var notImage = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.VaryImageAsync(Model, "MThd, not a picture"u8.ToArray()));
        Assert.Contains("not an image", notImage.Problem!.Detail);
    }

    /// <summary>A one-colour JPEG of <paramref name="width"/> × <paramref name="height"/> (a few KB however large).</summary>
    internal static byte[] Jpeg(int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap)) canvas.Clear(new SkiaSharp.SKColor(200, 60, 40));
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
