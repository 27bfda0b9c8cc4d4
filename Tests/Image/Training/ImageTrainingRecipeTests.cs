using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Image;
using VaeCreative.Image.Corpus;
using VaeCreative.Image.Models;
using VaeCreative.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Image.Training;

public class ImageTrainingRecipeTests
{
    private static ImageTrainingRecipe.ImageSettings Settings(params (string Key, string Value)[] settings) =>
        ImageTrainingRecipe.ReadSettings(settings.Length == 0 ? null : new JsonObject(settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))));

    [Fact]
    public void Channels_likelihood_and_layers_follow_the_data()
    {
        var config = TinyImageRun.Config("unused") with { Model = ModelManifest.ToJsonObject(ImageTrainingRecipe.DefaultShape) };
        var sprites = ImageCorpus.Load(TinyImageRun.SpriteFolder(), 0.1, null, _ => { });
        var colour = ImageTrainingRecipe.ModelOptions(config, Settings(), sprites);
        Assert.Equal((4, 16, ConvVaeOptions.Logistic), (colour.Channels, colour.Height, colour.Likelihood));
        Assert.Equal([32, 64], colour.ConvChannels); // 16 halves twice down to 4 pixels
        var grey = ImageTrainingRecipe.ModelOptions(config, Settings(), ImageCorpus.Load(TinyImageRun.GreyFolder(), 0.1, null, _ => { }));
        Assert.Equal((1, ConvVaeOptions.Bernoulli), (grey.Channels, grey.Likelihood));
        var sized = ImageTrainingRecipe.ModelOptions(config, Settings(("imageSize", "32"), ("likelihood", "logistic")), sprites);
        Assert.Equal((32, 3, ConvVaeOptions.Logistic), (sized.Height, sized.ConvChannels.Length, sized.Likelihood));
        var fashion = ImageTrainingRecipe.ModelOptions(config, Settings(("imageSize", "28")), sprites);
        Assert.Equal(2, fashion.ConvChannels.Length); // 28 = 4 × 7: two layers
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_option()
    {
        Assert.Contains("--tile", Assert.Throws<ArgumentOutOfRangeException>(() => Settings(("tile", "2"))).Message);
        Assert.Contains("--likelihood", Assert.Throws<ArgumentException>(() => Settings(("likelihood", "gaussian"))).Message);
        Assert.Contains("--flip", Assert.Throws<ArgumentException>(() => Settings(("flip", "maybe"))).Message);
        Assert.Contains("leave out --image-size", Assert.Throws<ArgumentException>(() => Settings(("tile", "16"), ("imageSize", "32"))).Message);
        Assert.Contains("unknown image training setting", Assert.Throws<ArgumentException>(() => Settings(("vocabularySize", "30"))).Message);
        Assert.True(Settings(("flip", "true")).Flip);
        var config = TinyImageRun.Config("unused") with { Model = new JsonObject { ["decoderHidden"] = 5 } };
        var sprites = ImageCorpus.Load(TinyImageRun.SpriteFolder(), 0.1, null, _ => { });
        Assert.Contains("no 'decoderHidden'", Assert.Throws<ArgumentException>(() => ImageTrainingRecipe.ModelOptions(config, Settings(), sprites)).Message);
    }

    [Fact]
    public void The_default_size_is_the_spatial_model_with_its_own_pace_and_latent_takes_its_channels()
    {
        var recipe = new ImageTrainingRecipe();
        var shape = recipe.Shape("default");
        Assert.Equal(SpatialImageVae.KindName, shape.Kind);
        Assert.Same(ImageTrainingRecipe.SpatialDefaults, shape.Defaults);
        Assert.Equal(ConvVae.KindName, recipe.Shape(ImageTrainingRecipe.ConvSize).Kind);
        Assert.Null(recipe.Shape(ImageTrainingRecipe.ConvSize).Defaults);
        var config = TinyImageRun.SpatialConfig(TinyImageRun.SpriteFolder());
        var withLatent = config with { Model = (JsonObject)config.Model.DeepClone() };
        withLatent.Model["latentSize"] = 3;
        recipe.CheckSettings(withLatent);
        var corpus = ImageCorpus.Load(TinyImageRun.SpriteFolder(), 0.1, null, _ => { });
        using var dir = new TempDir();
        var plan = recipe.Prepare(withLatent, corpus, dir.Path, _ => { });
        using var model = Assert.IsType<SpatialImageVae>(plan.Model);
        Assert.Equal((3, 4, 16), (model.Settings.LatentChannels, model.Settings.Channels, model.Settings.Side));
        var unknown = config with { Model = new JsonObject { ["decoderHidden"] = 5 } };
        Assert.Contains("no 'decoderHidden'", Assert.Throws<ArgumentException>(() => recipe.CheckSettings(unknown)).Message);
        var likelihood = config with { Settings = new JsonObject { ["likelihood"] = "bernoulli" } };
        Assert.Contains("logistic mixture", Assert.Throws<ArgumentException>(() => recipe.CheckSettings(likelihood)).Message);
    }

    [Fact]
    public void A_trained_model_records_its_encoding_and_data()
    {
        var manifest = ModelDirectory.ReadManifest(TinyImageRun.SpriteModel, ImageModality.ModalityName);
        var encoding = ModelManifest.FromJsonObject<ImageEncoding>(manifest.Encoding);
        Assert.Equal((4, 16, (int?)null), (encoding.Channels, encoding.Size, encoding.BinarizeThreshold));
        Assert.Equal(ConvVae.KindName, manifest.ModelKind);
        var grey = ModelManifest.FromJsonObject<ImageEncoding>(ModelDirectory.ReadManifest(TinyImageRun.GreyModel).Encoding);
        Assert.Equal(ImageEncoding.DefaultBinarizeThreshold, grey.BinarizeThreshold);
    }
}
