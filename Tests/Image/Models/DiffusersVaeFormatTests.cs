using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Image.Generation;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Models;
using VaeCreative.Tests.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Image.Models;

public class DiffusersVaeFormatTests
{
    private static string Fixture => Path.Combine(RepoPaths.Root, "Tests", "Image", "Fixtures", "autoencoder-kl-tiny");

    private static ServiceProvider Services(string models) =>
        new ServiceCollection().AddVaeCreative(models, b => b.AddImage()).BuildServiceProvider();

    [Fact]
    public void A_diffusers_folder_is_a_model_that_varies_images_at_their_own_size()
    {
        using var dir = new TempDir();
        using var services = Services(dir.Path);
        var store = services.GetRequiredService<ModelStore>();
        var model = store.Get(store.Resolve(Fixture, ImageModality.ModalityName));
        Assert.Equal((ImageModality.ModalityName, SpatialImageVae.KindName), (model.Manifest.Modality, model.Manifest.ModelKind));
        var vae = Assert.IsType<SpatialImageVae>(model.Model);
        Assert.False(vae.HasLikelihood);
        Assert.Equal(4, vae.Settings.Downsampling);
        var generator = services.GetRequiredService<ModalityRegistry>().Generator(model);
        // 21 × 10 is not a multiple of the 4× downsampling: padded in, cropped out.
        var seed = generator.Prepare(TinyImageRun.Png(ImageFit.ResizeNearest(TinyImageRun.Sprite(3), 21, 10)), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 2, Rng = 1 })])[0]
            .Select(o => ImageDecoder.Decode(o.Data!, "output")).ToList();
        Assert.All(outputs, o => Assert.Equal((21, 10), (o.Width, o.Height)));
    }

    [Fact]
    public void A_single_safetensors_file_resolves_and_loads_and_other_files_do_not()
    {
        using var dir = new TempDir();
        // A file alone carries no config: its levels must take Stable Diffusion's 32 norm groups.
        var folder = Path.Combine(dir.Path, "saved");
        using (var network = TorchRuntime.SeededBuild(2, () => new AutoencoderKl(new AutoencoderKlConfig { BlockOutChannels = [32, 32], NormNumGroups = 32 })))
            AutoencoderKlWeights.Save(network, folder);
        var file = Path.Combine(dir.Path, "my-vae.safetensors");
        File.Copy(Path.Combine(folder, AutoencoderKlWeights.WeightsFile), file);
        using var services = Services(dir.Path);
        var store = services.GetRequiredService<ModelStore>();
        Assert.Equal(file, store.Resolve(file, ImageModality.ModalityName));
        Assert.IsType<SpatialImageVae>(store.Get(file).Model);
        var fixtureFile = Path.Combine(dir.Path, "eight-channels.safetensors");
        File.Copy(Path.Combine(Fixture, AutoencoderKlWeights.WeightsFile), fixtureFile);
        Assert.Contains("config.json", Assert.Throws<ModelLoadException>(() => store.Get(fixtureFile)).Message);
        var text = Path.Combine(dir.Path, "notes.txt");
        File.WriteAllText(text, "not a model");
        Assert.Throws<ModelLoadException>(() => store.Resolve(text, ImageModality.ModalityName));
    }

    [Fact]
    public void A_diffusers_folder_of_another_class_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "unet");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, AutoencoderKlWeights.ConfigFile), """{ "_class_name": "UNet2DConditionModel" }""");
        File.Copy(Path.Combine(Fixture, AutoencoderKlWeights.WeightsFile), Path.Combine(folder, AutoencoderKlWeights.WeightsFile));
        using var services = Services(dir.Path);
        var error = Assert.Throws<ModelLoadException>(() => services.GetRequiredService<ModelStore>().Get(folder));
        Assert.Contains("UNet2DConditionModel", error.Message);
    }
}
