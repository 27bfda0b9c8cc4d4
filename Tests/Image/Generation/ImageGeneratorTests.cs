using VaeCreative.Core.Modalities;
using VaeCreative.Core.Variation;
using VaeCreative.Image;
using VaeCreative.Image.Generation;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;

namespace VaeCreative.Tests.Image.Generation;

public class ImageGeneratorTests
{
    private static RgbaImage Decode(Material m) => ImageDecoder.Decode(m.Data!, "output");

    [Fact]
    public void Variations_are_pngs_at_the_seed_size_distinct_and_never_the_seed()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var seedImage = TinyImageRun.Sprite(4);
        // Unsnapped: at similarity 0.95 the tiny model's variations differ by less than the seed's colours are apart.
        var seed = generator.Prepare(TinyImageRun.Png(seedImage, new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = "off" }), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Similarity = 0.95, Temperature = 0, Rng = 3 })])[0];
        Assert.Equal(8, outputs.Count);
        var images = outputs.Select(Decode).ToList();
        Assert.All(outputs, o => Assert.Equal(ImageMediaTypes.Png, o.MediaType));
        Assert.All(images, i => Assert.Equal((16, 16), (i.Width, i.Height)));
        Assert.All(outputs, o => Assert.Equal(("16", "16"), (o.Properties[ImageGenerator.WidthProperty], o.Properties[ImageGenerator.HeightProperty])));
        Assert.Equal(8, images.Select(i => Convert.ToHexString(i.Rgba)).Distinct().Count());
        Assert.DoesNotContain(images, i => i.Rgba.AsSpan().SequenceEqual(seedImage.Rgba));
        // A sprite stays a sprite: the model has alpha, and the clear background comes back clear somewhere.
        Assert.All(images, i => Assert.True(i.HasAlpha));
    }

    [Fact]
    public void Outputs_come_back_at_any_seed_size_in_the_seed_mode_family()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        // An opaque, wide, colour picture: outputs are opaque and 50 × 20.
        var wide = ImageFit.Resize(Flatten(TinyImageRun.Sprite(7)), 50, 20, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Nearest));
        var opaque = generator.VaryMany([new MaterialVariation(generator.Prepare(TinyImageRun.Png(wide), "seed"), new VaryOptions { Count = 2, Rng = 1 })])[0].Select(Decode).ToList();
        Assert.All(opaque, i => Assert.Equal((50, 20, false), (i.Width, i.Height, i.HasAlpha)));
        // A grey seed (a large one, reduced to fit): grey outputs, written as grey PNGs.
        var grey = new RgbaImage(64, 64, Enumerable.Range(0, 64 * 64).SelectMany(p => new[] { (byte)(p % 64 * 4), (byte)(p % 64 * 4), (byte)(p % 64 * 4), (byte)255 }).ToArray());
        var greyOutputs = generator.VaryMany([new MaterialVariation(generator.Prepare(TinyImageRun.Png(grey), "seed"), new VaryOptions { Count = 2, Rng = 1 })])[0];
        Assert.All(greyOutputs.Select(Decode), i => Assert.True(i.IsGrey && !i.HasAlpha && i.Width == 64));
    }

    [Fact]
    public void Palette_seed_snaps_every_output_pixel_to_the_seed_colours()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var seedImage = TinyImageRun.Sprite(10);
        var colours = Colours(seedImage);
        var properties = new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = "seed" };
        var seed = generator.Prepare(TinyImageRun.Png(seedImage, properties), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 6, Similarity = 0.5, Temperature = 0.5, Rng = 2 })])[0].Select(Decode).ToList();
        Assert.All(outputs, o => Assert.Subset(colours, Colours(o)));
        var bad = Assert.Throws<ImageReadException>(() => generator.Prepare(TinyImageRun.Png(seedImage, new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = "web" }), "seed"));
        Assert.Contains("'auto', 'seed' or 'off'", bad.Message);
    }

    [Fact]
    public void By_default_a_few_coloured_seed_keeps_its_colours_and_a_many_coloured_one_is_not_snapped()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var options = new VaryOptions { Count = 4, Similarity = 0.5, Temperature = 0.5, Rng = 2 };
        List<RgbaImage> Vary(RgbaImage image, string? palette) => generator.VaryMany([new MaterialVariation(generator.Prepare(
            TinyImageRun.Png(image, palette is null ? null : new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = palette }), "seed"), options)])[0]
            .Select(Decode).ToList();
        var sprite = TinyImageRun.Sprite(10);
        var colours = Colours(sprite);
        Assert.InRange(colours.Count, 1, ImagePalette.AutoColours);
        Assert.All(Vary(sprite, null), o => Assert.Subset(colours, Colours(o)));
        Assert.Contains(Vary(sprite, "off"), o => !Colours(o).IsSubsetOf(colours));
        // A picture: a gradient of more colours than the automatic limit.
        var rgba = new byte[4 * sprite.Width * sprite.Height];
        for (var p = 0; p < sprite.Width * sprite.Height; p++)
            (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = ((byte)(p * 7 % 256), (byte)(p * 3 % 256), (byte)(p % 256), 255);
        var picture = new RgbaImage(sprite.Width, sprite.Height, rgba);
        Assert.True(Colours(picture).Count > ImagePalette.AutoColours);
        Assert.Contains(Vary(picture, null), o => !Colours(o).IsSubsetOf(Colours(picture)));
    }

    [Fact]
    public void The_same_rng_gives_the_same_images_alone_and_batched()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var a = new MaterialVariation(generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(1)), "seed"), new VaryOptions { Count = 3, Rng = 1, Temperature = 0.7 });
        var b = new MaterialVariation(generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(30)), "seed"), new VaryOptions { Count = 2, Rng = 2, Similarity = 0.4 });
        var together = generator.VaryMany([a, b]);
        Assert.Equal(generator.VaryMany([a])[0].Select(m => Convert.ToHexString(m.Data!)), together[0].Select(m => Convert.ToHexString(m.Data!)));
        Assert.Equal(generator.VaryMany([b])[0].Select(m => Convert.ToHexString(m.Data!)), together[1].Select(m => Convert.ToHexString(m.Data!)));
        var other = generator.VaryMany([a with { Options = a.Options with { Rng = 9 } }])[0];
        Assert.NotEqual(together[0].Select(m => Convert.ToHexString(m.Data!)), other.Select(m => Convert.ToHexString(m.Data!)));
    }

    [Fact]
    public void Interpolations_start_near_one_end_and_samples_are_model_sized()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel);
        var from = generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(0)), "from");
        var to = generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(5)), "to");
        var frames = generator.InterpolateMany([new MaterialInterpolation(from, to, new InterpolateOptions { Steps = 5 })])[0];
        Assert.Equal(5, frames.Count);
        Assert.All(frames.Select(Decode), f => Assert.Equal((16, 16), (f.Width, f.Height)));
        var samples = generator.SampleMany([new SampleOptions { Count = 4, Rng = 3 }])[0].Select(Decode).ToList();
        Assert.Equal(4, samples.Count);
        Assert.All(samples, s => Assert.Equal((16, 16), (s.Width, s.Height)));
    }

    [Fact]
    public void Bfloat16_inference_varies_images_too()
    {
        // The seed is float32 data and the weights bfloat16: the model casts it (it once failed with a type mismatch).
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpriteModel, VaeCreative.Core.Serving.InferencePrecision.BFloat16);
        var seed = generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(6)), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 3, Rng = 1 })])[0];
        Assert.Equal(3, outputs.Select(o => Convert.ToHexString(o.Data!)).Distinct().Count());
    }

    [Fact]
    public void A_bernoulli_model_gives_grey_images_and_text_or_damaged_seeds_are_refused()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.GreyModel);
        var seed = generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(2, grey: true)), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 3, Temperature = 0, Rng = 1 })])[0].Select(Decode).ToList();
        Assert.All(outputs, o => Assert.True(o.IsGrey && !o.HasAlpha));
        var text = Assert.Throws<ImageReadException>(() => generator.Prepare(Material.FromText("a fox"), "seed"));
        Assert.Contains("takes an image", text.Message);
        var png = ImageEncoder.Png(TinyImageRun.Sprite(2));
        Assert.Throws<ImageReadException>(() => generator.Prepare(Material.FromBytes(ImageMediaTypes.Png, png[..(png.Length / 2)]), "seed"));
    }

    [Theory]
    [InlineData(33, 17)]
    [InlineData(16, 16)]
    [InlineData(5, 40)]
    public void A_spatial_model_varies_a_seed_at_its_own_size_even_when_the_downsampling_does_not_divide_it(int width, int height)
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpatialModel);
        var seedImage = ImageFit.ResizeNearest(TinyImageRun.Sprite(4), width, height);
        var seed = (ImageSeed)generator.Prepare(TinyImageRun.Png(seedImage), "seed");
        Assert.Null(seed.Placement);
        Assert.Equal(new long[] { 4, (height + 1) / 2 * 2, (width + 1) / 2 * 2 }, seed.InputShape);
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 4, Rng = 3 })])[0].Select(Decode).ToList();
        Assert.All(outputs, o => Assert.Equal((width, height), (o.Width, o.Height)));
        // The seed has few colours: outputs keep to them (the palette rule).
        Assert.All(outputs, o => Assert.Subset(Colours(seedImage), Colours(o)));
        var samples = generator.SampleMany([new SampleOptions { Count = 2, Rng = 1 }])[0].Select(Decode).ToList();
        Assert.All(samples, s => Assert.Equal((16, 16), (s.Width, s.Height)));
    }

    [Fact]
    public void A_seed_whose_close_variations_snap_to_copies_still_gives_its_count_by_reaching_further()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpatialModel);
        // One colour on clear, snapped to the seed's palette: most draws this close to the seed come back as the same image.
        var seedImage = TinyImageRun.Sprite(0, size: 8);
        var seed = generator.Prepare(TinyImageRun.Png(seedImage, new Dictionary<string, string> { [ImageGenerator.PaletteProperty] = "seed" }), "seed");
        var outputs = generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 8, Similarity = 0.9, Temperature = 0, Rng = 1 })])[0].Select(Decode).ToList();
        Assert.Equal(8, outputs.Select(i => Convert.ToHexString(i.Rgba)).Distinct().Count());
        Assert.DoesNotContain(outputs, i => i.Rgba.AsSpan().SequenceEqual(seedImage.Rgba));
    }

    [Fact]
    public void A_spatial_model_batches_seeds_by_size_and_interpolates_between_two_sizes()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpatialModel);
        var small = generator.Prepare(TinyImageRun.Png(TinyImageRun.Sprite(1)), "seed");
        var wide = generator.Prepare(TinyImageRun.Png(ImageFit.ResizeNearest(TinyImageRun.Sprite(2), 24, 12)), "seed");
        var options = new VaryOptions { Count = 2, Rng = 5 };
        var together = generator.VaryMany([new MaterialVariation(small, options), new MaterialVariation(wide, options), new MaterialVariation(small, options with { Rng = 6 })]);
        Assert.Equal([(16, 16), (24, 12), (16, 16)], together.Select(r => { var i = Decode(r[0]); return (i.Width, i.Height); }));
        var alone = generator.VaryMany([new MaterialVariation(wide, options)])[0];
        Assert.Equal(alone.Select(m => Convert.ToHexString(m.Data!)), together[1].Select(m => Convert.ToHexString(m.Data!)));
        var frames = generator.InterpolateMany([new MaterialInterpolation(wide, small, new InterpolateOptions { Steps = 3 })])[0].Select(Decode).ToList();
        Assert.All(frames, f => Assert.Equal((24, 12), (f.Width, f.Height)));
    }

    [Fact]
    public void A_spatial_model_takes_a_large_seed_reduced_and_gives_it_back_at_its_size()
    {
        using var services = TinyImageRun.Services();
        var generator = TinyImageRun.Generator(services, TinyImageRun.SpatialModel);
        var large = ImageFit.ResizeNearest(TinyImageRun.Sprite(7), ImageGenerator.MaxSpatialSide + 88, 300);
        var seed = (ImageSeed)generator.Prepare(TinyImageRun.Png(large), "seed");
        Assert.Equal((ImageGenerator.MaxSpatialSide, 256), seed.Scaled);
        var output = Decode(generator.VaryMany([new MaterialVariation(seed, new VaryOptions { Count = 1, Rng = 1 })])[0][0]);
        Assert.Equal((large.Width, large.Height), (output.Width, output.Height));
    }

    private static RgbaImage Flatten(RgbaImage image) => ImageGenerator.InFamilyOf(image, new RgbaImage(1, 1, [1, 2, 3, 255]));

    private static HashSet<uint> Colours(RgbaImage image)
    {
        var set = new HashSet<uint>();
        for (var p = 0; p < image.Rgba.Length; p += 4)
            set.Add(image.Rgba[p + 3] == 0 ? 0 : (uint)image.Rgba[p] << 24 | (uint)image.Rgba[p + 1] << 16 | (uint)image.Rgba[p + 2] << 8 | image.Rgba[p + 3]);
        return set;
    }
}
