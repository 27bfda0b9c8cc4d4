using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Image.Corpus;
using VaeCreative.Image.Generation;
using VaeCreative.Image.Imaging;
using VaeCreative.Image.Training;

namespace VaeCreative.Bench;

/// <summary>
/// The <c>image-examples</c> phase (scripts/image-examples.sh): the picture of an image model card. Takes
/// <c>--count</c> held-out images of the model's own data (the manifest's data, split and tile; evenly spaced through
/// the held-out list, so anyone gets the same ones), varies each eight times with fixed rngs, and writes one contact
/// sheet: a row per image, the held-out image first. Also writes a grid of prior samples beside it, and reports the
/// reconstruction error over every held-out image (colour and alpha, 0–255). <c>--data</c> gives
/// the training data's path on this machine when it differs from the manifest's; with <c>--whole</c>, it is other
/// held-out data, all of which is drawn from (not its validation part). A spatial model takes each image at its own size.
/// </summary>
internal static class ImageExamples
{
    public static object Run(string modelDir, string outFile, int count, double temperature, bool palette, string? dataOverride, bool whole)
    {
        modelDir = Path.GetFullPath(modelDir);
        using var services = new ServiceCollection().AddVaeCreative(Path.GetDirectoryName(modelDir), b => b.AddImage()).BuildServiceProvider();
        var loaded = services.GetRequiredService<ModelStore>().Get(modelDir);
        var generator = (ImageGenerator)services.GetRequiredService<ModalityRegistry>().Generator(loaded);
        var settings = loaded.Manifest.Training?["settings"] ?? throw new ArgumentException($"'{modelDir}' records no training settings.");
        // The manifest records where the data was; --data says where it is here (a list file inside a clone, say).
        var data = dataOverride ?? settings["data"]!.GetValue<string>();
        var fraction = settings["validationFraction"]?.GetValue<double>() ?? 0.1;
        int? tile = loaded.Manifest.Training?["data"]?["tile"]?.GetValue<int>();
        var corpus = ImageCorpus.Load(data, fraction, tile, Console.Error.WriteLine);
        var held = whole ? corpus.Train.Concat(corpus.Validation).ToList() : corpus.Validation;
        var picked = Enumerable.Range(0, count).Select(i => held[(int)((long)i * held.Count / count)]).ToList();
        var encoding = ImageEncoding.Read(loaded);
        var spatial = loaded.Model is VaeCreative.Image.Models.SpatialImageVae;
        var rows = new List<RgbaImage>();
        for (var i = 0; i < picked.Count; i++)
        {
            // The held-out image as the model sees it (a one-code model: fitted to its square; grey models see grey).
            var seedImage = spatial ? picked[i] : ImageFit.ToSquare(picked[i], encoding.Size).Fitted;
            var properties = palette ? new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = "seed" } : null;
            var seed = Material.FromBytes(ImageMediaTypes.Png, ImageEncoder.Png(seedImage), properties);
            var variations = generator.VaryMany([new MaterialVariation(generator.Prepare(seed, $"held-out image {i + 1}"),
                new VaryOptions { Count = 8, Temperature = temperature, Rng = i + 1 })])[0];
            rows.Add(ImageDecoder.Decode(seed.Data!, "seed"));
            rows.AddRange(variations.Select(v => ImageDecoder.Decode(v.Data!, "variation")));
        }
        var sheet = ContactSheet.Compose(rows, 9);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        AtomicFile.WriteAllBytes(outFile, ImageEncoder.Png(sheet, grey: false));
        var reconstruction = ReconstructionError(loaded, encoding, held);
        var samples = generator.SampleMany([new SampleOptions { Count = 18, Temperature = temperature, Rng = 1 }])[0];
        var samplesFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outFile))!, Path.GetFileNameWithoutExtension(outFile) + "-samples.png");
        AtomicFile.WriteAllBytes(samplesFile, ImageEncoder.Png(ContactSheet.Compose(samples.Select(s => ImageDecoder.Decode(s.Data!, "sample")).ToList(), 9), grey: false));
        return new { model = modelDir, heldOut = held.Count, picked = picked.Count, sheet = Path.GetFullPath(outFile), samples = samplesFile, temperature, palette, reconstruction };
    }

    /// <summary>
    /// How far each held-out image's reconstruction (z = μ, temperature 0) is from it, on the model's 0–255 scale: the
    /// mean absolute error of colour over the pixels that are visible in the original, of alpha over all pixels, and
    /// the share of pixels whose visibility (alpha &gt; 0) the reconstruction gets right.
    /// </summary>
    private static object ReconstructionError(LoadedModel loaded, ImageEncoding encoding, IReadOnlyList<RgbaImage> held)
    {
        var data = ImageDataset.Encode(held, encoding);
        double colour = 0, alpha = 0, visibility = 0;
        long colourCount = 0, pixels = 0;
        for (var start = 0; start < data.Count; start += 256)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var indices = Enumerable.Range(start, Math.Min(256, data.Count - start)).ToList();
            var input = data.Batch(indices, null);
            var (mean, _) = loaded.Engine.Encode(input);
            var output = loaded.Engine.Decode(mean).to(TorchSharp.torch.ScalarType.Float32).contiguous().data<float>().ToArray();
            var truth = input.contiguous().data<float>().ToArray();
            var plane = encoding.Size * encoding.Size;
            for (var k = 0; k < indices.Count; k++)
                for (var p = 0; p < plane; p++)
                {
                    var at = k * encoding.Dimensions;
                    var visible = encoding.Channels < 4 || truth[at + 3 * plane + p] > 0;
                    if (encoding.Channels == 4)
                    {
                        alpha += Math.Abs(output[at + 3 * plane + p] - truth[at + 3 * plane + p]) * 255;
                        if ((output[at + 3 * plane + p] > 0) == visible) visibility++;
                    }
                    pixels++;
                    if (!visible) continue;
                    for (var c = 0; c < Math.Min(3, encoding.Channels); c++)
                        colour += Math.Abs(output[at + c * plane + p] - truth[at + c * plane + p]) * 255;
                    colourCount += Math.Min(3, encoding.Channels);
                }
        }
        return new
        {
            images = data.Count,
            colour_mae = Math.Round(colour / Math.Max(1, colourCount), 2),
            alpha_mae = encoding.Channels == 4 ? Math.Round(alpha / pixels, 2) : (double?)null,
            visibility_agreement = encoding.Channels == 4 ? Math.Round(visibility / pixels, 4) : (double?)null,
        };
    }
}
