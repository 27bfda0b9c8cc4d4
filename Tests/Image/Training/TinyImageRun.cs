using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Training;
using VaeCreative.Image;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Image.Training;

/// <summary>
/// Tiny image models trained once per test process with the real recipe and <see cref="TrainingRun"/> on generated
/// 16-pixel sprites (discs, squares and diamonds in six colours on clear backgrounds): one-code conv VAEs (an RGBA
/// logistic model, and a grey Bernoulli model of the same shapes drawn white on black) and a spatial
/// <c>autoencoder-kl</c> of the sprites.
/// </summary>
public static class TinyImageRun
{
    private static readonly Lazy<string> Folder = new(() => ProcessTempDir.Create("tiny-image"));

    private static readonly Lazy<string> Sprites = new(() => Train(Config(SpriteFolder()), Path.Combine(Folder.Value, "sprites-model")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> Grey = new(() => Train(Config(GreyFolder()), Path.Combine(Folder.Value, "grey-model")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<string> Spatial = new(() => Train(SpatialConfig(SpriteFolder()), Path.Combine(Folder.Value, "spatial-model")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Directory of the spatial RGBA sprite model, the <c>small</c> autoencoder-kl (trained on first use).</summary>
    public static string SpatialModel => Spatial.Value;

    /// <summary>Directory of the RGBA sprite model (trained on first use).</summary>
    public static string SpriteModel => Sprites.Value;

    /// <summary>Directory of the grey Bernoulli model (trained on first use).</summary>
    public static string GreyModel => Grey.Value;

    private static readonly (byte R, byte G, byte B)[] Colours = [(220, 40, 40), (40, 200, 60), (50, 80, 230), (240, 200, 30), (150, 60, 200), (30, 200, 210)];

    /// <summary>Sprite <paramref name="index"/> (0–71): shape, colour and offset from the index; clear around the shape.</summary>
    public static RgbaImage Sprite(int index, int size = 16, bool grey = false)
    {
        var rgba = new byte[4 * size * size];
        var (shape, colour, offset) = (index % 3, index / 3 % 6, index / 18 % 4 - 1);
        var c = grey ? ((byte)255, (byte)255, (byte)255) : Colours[colour];
        var centre = size / 2.0 - 0.5 + offset;
        var radius = size * (grey ? 0.2 + 0.05 * colour : 0.3);
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                double dx = x - centre, dy = y - centre;
                var inside = shape switch
                {
                    0 => dx * dx + dy * dy <= radius * radius,
                    1 => Math.Abs(dx) <= radius && Math.Abs(dy) <= radius,
                    _ => Math.Abs(dx) + Math.Abs(dy) <= radius * 1.3,
                };
                var p = 4 * (y * size + x);
                if (inside) (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = (c.Item1, c.Item2, c.Item3, 255);
                else if (grey) rgba[p + 3] = 255; // black, opaque
            }
        return new RgbaImage(size, size, rgba);
    }

    /// <summary>A folder of the 72 sprites as PNGs.</summary>
    public static string SpriteFolder() => WriteFolder("sprites", grey: false);

    /// <summary>A folder of the 72 grey shapes as PNGs.</summary>
    public static string GreyFolder() => WriteFolder("grey", grey: true);

    private static string WriteFolder(string name, bool grey)
    {
        var folder = Path.Combine(Folder.Value, name);
        lock (Colours)
        {
            if (Directory.Exists(folder)) return folder;
            var temp = folder + ".tmp";
            Directory.CreateDirectory(temp);
            for (var i = 0; i < 72; i++) File.WriteAllBytes(Path.Combine(temp, $"{i:00}.png"), ImageEncoder.Png(Sprite(i, grey: grey)));
            Directory.Move(temp, folder);
        }
        return folder;
    }

    /// <summary>A run of a tiny spatial VAE (the <c>small</c> autoencoder-kl, 16 pixels) over <paramref name="data"/>.</summary>
    public static TrainingConfig SpatialConfig(string data, long steps = 40)
    {
        var recipe = new ImageTrainingRecipe();
        var shape = recipe.Shape("small");
        return TrainingConfig.From(ImageModality.ModalityName, shape, shape.Defaults ?? recipe.Defaults) with
        {
            Data = data,
            Steps = steps,
            BatchSize = 16,
            LearningRate = 0.005,
            CheckpointEvery = 0,
            ValidateEvery = 0,
        };
    }

    /// <summary>A run of a tiny conv VAE (16 pixels, z of 4) over <paramref name="data"/>.</summary>
    public static TrainingConfig Config(string data, long steps = 120)
    {
        var recipe = new ImageTrainingRecipe();
        var shape = recipe.Shape(ImageTrainingRecipe.ConvSmallSize);
        var model = (JsonObject)shape.Settings.DeepClone();
        model["latentSize"] = 4;
        return TrainingConfig.From(ImageModality.ModalityName, shape with { Settings = model }, recipe.Defaults) with
        {
            Data = data,
            Steps = steps,
            BatchSize = 16,
            LearningRate = 0.005,
            CheckpointEvery = 0,
            ValidateEvery = 0,
        };
    }

    /// <summary>Trains <paramref name="config"/> into <paramref name="dir"/> (one thread) and returns the directory.</summary>
    public static string Train(TrainingConfig config, string dir, List<string>? log = null)
    {
        var recipe = new ImageTrainingRecipe();
        Action<string> write = log is null ? _ => { } : log.Add;
        var corpus = TrainingRun.LoadCorpus(config, recipe, write);
        using var run = TrainingRun.Start(config, recipe, TestModelKinds.All, corpus, dir, threads: 1, write);
        var result = run.Train(false, null, CancellationToken.None);
        run.Finish(result, write);
        return dir;
    }

    /// <summary>A service provider with the image modality over the shared folder.</summary>
    public static ServiceProvider Services() =>
        new ServiceCollection().AddVaeCreative(Folder.Value, b => b.AddImage()).BuildServiceProvider();

    /// <summary>The generator of the model in <paramref name="directory"/>, from <paramref name="services"/>.</summary>
    public static IMaterialGenerator Generator(ServiceProvider services, string directory, InferencePrecision precision = InferencePrecision.Float32)
    {
        var model = services.GetRequiredService<ModelStore>().Get(directory, precision);
        return services.GetRequiredService<ModalityRegistry>().Generator(model);
    }

    /// <summary><paramref name="image"/> as PNG material.</summary>
    public static Material Png(RgbaImage image, IReadOnlyDictionary<string, string>? properties = null) =>
        Material.FromBytes(ImageMediaTypes.Png, ImageEncoder.Png(image), properties);
}
