using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Augmentation;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Host.Composition;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Core.Augmentation;

public sealed class FolderAugmentationTests : IDisposable
{
    private readonly ServiceProvider services = HostServices.Build();
    private readonly TempDir temp = new();
    private readonly IModality melody;
    private readonly IMaterialGenerator generator;

    public FolderAugmentationTests()
    {
        var registry = services.GetRequiredService<ModalityRegistry>();
        melody = registry.Get("melody");
        generator = registry.Generator(services.GetRequiredService<ModelStore>().Get(RepoPaths.DefaultMelodyModel));
    }

    public void Dispose()
    {
        services.Dispose();
        temp.Dispose();
    }

    private static AugmentationSettings Settings(IModality modality, int count = 2, long rng = 7) =>
        new(modality.Name, modality.DefaultModelId, new VaryOptions { Count = count, Rng = rng }.Validate(), new Dictionary<string, string>());

    /// <summary>A seed tree: two tunes at the top, one below, a damaged MIDI file, a note, a hidden file.</summary>
    private string SeedTree()
    {
        var seeds = Path.Combine(temp.Path, "seeds");
        var tunes = Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order(StringComparer.Ordinal).Take(3).ToList();
        Directory.CreateDirectory(Path.Combine(seeds, "reels", "fast"));
        File.Copy(tunes[0], Path.Combine(seeds, "a.mid"));
        File.Copy(tunes[1], Path.Combine(seeds, "b.MID"));
        File.Copy(tunes[2], Path.Combine(seeds, "reels", "fast", "c.mid"));
        File.WriteAllBytes(Path.Combine(seeds, "reels", "broken.mid"), "MThd this is not MIDI"u8.ToArray());
        File.WriteAllText(Path.Combine(seeds, "reels", "notes.txt"), "not a tune\n");
        File.WriteAllBytes(Path.Combine(seeds, ".hidden.mid"), File.ReadAllBytes(tunes[0]));
        return seeds;
    }

    private AugmentationResult Run(FolderAugmentation plan, int batchRows = FolderAugmentation.DefaultBatchRows, CancellationToken ct = default,
        IProgress<AugmentationProgress>? progress = null, int? maxSeedRows = null) =>
        plan.Run(generator, requests => generator.VaryMany(requests), progress, ct, batchRows, maxSeedRows);

    [Fact]
    public void Mirrors_the_tree_skips_what_it_cannot_read_and_ignores_other_types()
    {
        var seeds = SeedTree();
        var output = Path.Combine(temp.Path, "out");
        var reports = new List<AugmentationProgress>();
        var result = Run(FolderAugmentation.Plan(melody, seeds, output, Settings(melody)), progress: new Collect(reports));

        Assert.Equal(3, result.FilesVaried);
        Assert.Equal(6, result.OutputsWritten);
        foreach (var path in new[] { "a-var01.mid", "a-var02.mid", "b-var01.mid", "b-var02.mid", "reels/fast/c-var01.mid", "reels/fast/c-var02.mid" })
            Assert.Equal("MThd", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(output, path)), 0, 4));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("reels/broken.mid", skipped.Path);
        Assert.False(string.IsNullOrWhiteSpace(skipped.Reason));
        Assert.Equal(1, result.Ignored[".txt"]);
        Assert.False(Directory.EnumerateFiles(output, ".hidden*", SearchOption.AllDirectories).Any(), "a hidden file was varied");
        Assert.Equal(4, reports[^1].FilesTotal);
        Assert.Equal(4, reports[^1].FilesDone);

        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(output, FolderAugmentation.RecordFile)))!;
        Assert.Equal(2, (int)record["settings"]!["count"]!);
        Assert.Equal("reels/broken.mid", (string?)record["lastRun"]!["skipped"]![0]!["path"]);
    }

    [Fact]
    public void A_second_run_resumes_writes_only_what_is_missing_and_gives_the_same_outputs_whatever_the_batching()
    {
        var seeds = SeedTree();
        var first = Path.Combine(temp.Path, "first");
        Run(FolderAugmentation.Plan(melody, seeds, first, Settings(melody)));
        var before = Directory.GetFiles(first, "*.mid", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        // As if stopped part-way: one file's outputs missing, one output of another.
        File.Delete(Path.Combine(first, "b-var01.mid"));
        File.Delete(Path.Combine(first, "b-var02.mid"));
        File.Delete(Path.Combine(first, "reels", "fast", "c-var02.mid"));
        var resumedPlan = FolderAugmentation.Plan(melody, seeds, first, Settings(melody));
        Assert.Equal(1, resumedPlan.AlreadyDone); // a
        Assert.Equal(["b.MID", "reels/broken.mid", "reels/fast/c.mid"], resumedPlan.Pending);
        var resumed = Run(resumedPlan, batchRows: 1); // one file per pass this time
        Assert.Equal(3, resumed.OutputsWritten);
        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(path));

        // A run with every file in one pass writes the same bytes into a fresh folder.
        var second = Path.Combine(temp.Path, "second");
        Run(FolderAugmentation.Plan(melody, seeds, second, Settings(melody)), batchRows: 1_000_000);
        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(second, Path.GetRelativePath(first, path))));
    }

    [Fact]
    public void Never_overwrites_and_refuses_folders_it_did_not_write_or_other_settings()
    {
        var seeds = SeedTree();
        var output = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "mine.txt"), "keep me");
        Assert.Contains("did not write", Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, seeds, output, Settings(melody))).Message);
        File.Delete(Path.Combine(output, "mine.txt"));

        // Outputs of an earlier run are kept; a file the user put at an output's name too.
        Run(FolderAugmentation.Plan(melody, seeds, output, Settings(melody)));
        File.Delete(Path.Combine(output, "a-var02.mid"));
        File.WriteAllText(Path.Combine(output, "a-var02.mid"), "the user's");
        File.Delete(Path.Combine(output, "a-var01.mid"));
        Run(FolderAugmentation.Plan(melody, seeds, output, Settings(melody)));
        Assert.Equal("the user's", File.ReadAllText(Path.Combine(output, "a-var02.mid")));
        Assert.True(File.Exists(Path.Combine(output, "a-var01.mid")));

        var other = Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, seeds, output, Settings(melody, count: 3)));
        Assert.Contains("count: 2 there, 3 here", other.Message);
        Assert.Contains("holds the seed folder", Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, seeds, temp.Path, Settings(melody))).Message);
        Assert.Contains("does not exist", Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, Path.Combine(temp.Path, "none"), output, Settings(melody))).Message);

        // An output folder inside the seed folder is allowed, and its outputs are not taken for seeds next time.
        var inside = Path.Combine(seeds, "augmented");
        Run(FolderAugmentation.Plan(melody, seeds, inside, Settings(melody)));
        var again = FolderAugmentation.Plan(melody, seeds, inside, Settings(melody));
        Assert.Equal(3, again.AlreadyDone);
        Assert.DoesNotContain(again.Pending, p => p.StartsWith("augmented/", StringComparison.Ordinal));
    }

    [Fact]
    public void Another_seed_folder_cannot_resume_into_an_output_folder()
    {
        var seeds = SeedTree();
        var output = Path.Combine(temp.Path, "out");
        Run(FolderAugmentation.Plan(melody, seeds, output, Settings(melody)));
        var other = Path.Combine(temp.Path, "other");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(seeds, "a.mid"), Path.Combine(other, "a.mid"));
        Assert.Contains("another seed folder", Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, other, output, Settings(melody))).Message);
        Assert.Contains("root of a file system", Assert.Throws<AugmentationException>(() => FolderAugmentation.Plan(melody, "/", output, Settings(melody))).Message);
    }

    [Fact]
    public void Seeds_over_the_row_limit_and_seeds_the_model_refuses_are_skipped_with_the_reason()
    {
        var seeds = SeedTree();
        // A host's limit: the Nottingham tunes span more than two windows, so all three are skipped.
        var limited = Run(FolderAugmentation.Plan(melody, seeds, Path.Combine(temp.Path, "limited"), Settings(melody)), maxSeedRows: 2);
        Assert.Equal(0, limited.FilesVaried);
        Assert.Equal(4, limited.Skipped.Count);
        Assert.Contains(limited.Skipped, s => s.Path == "a.mid" && s.Reason.Contains("at most 2 model rows", StringComparison.Ordinal));

        // A pass that refuses one file's material, alone or beside others: that file is skipped, the rest varied.
        var refusing = FolderAugmentation.Plan(melody, seeds, Path.Combine(temp.Path, "refusing"), Settings(melody));
        var result = refusing.Run(generator, requests =>
            requests.Any(r => r.Options.Rng == FolderAugmentation.SeedRng(7, "b.MID", 0))
                ? throw new MaterialException("the model refuses this one.")
                : generator.VaryMany(requests), batchRows: 1);
        Assert.Equal(2, result.FilesVaried);
        Assert.Contains(result.Skipped, s => s.Path == "b.MID" && s.Reason == "the model refuses this one.");
    }

    [Fact]
    public void Images_whose_outputs_would_pass_the_pixel_limit_are_skipped_with_the_reason()
    {
        // Issue 23, point 2: outputs come back at the seed's size, so a host job bounds their pixels as requests are.
        using var imageServices = Image.Training.TinyImageRun.Services();
        var image = imageServices.GetRequiredService<ModalityRegistry>().Get("image");
        var imageGenerator = Image.Training.TinyImageRun.Generator(imageServices, Image.Training.TinyImageRun.SpriteModel);
        var seeds = Path.Combine(temp.Path, "images");
        Directory.CreateDirectory(seeds);
        File.WriteAllBytes(Path.Combine(seeds, "small.png"), VaeCreative.Image.Imaging.ImageEncoder.Png(Image.Training.TinyImageRun.Sprite(1)));
        File.WriteAllBytes(Path.Combine(seeds, "wide.png"), VaeCreative.Image.Imaging.ImageEncoder.Png(Image.Training.TinyImageRun.Sprite(2, size: 40)));
        var plan = FolderAugmentation.Plan(image, seeds, Path.Combine(temp.Path, "images-out"), Settings(image));
        var result = plan.Run(imageGenerator, requests => imageGenerator.VaryMany(requests), maxOutputPixels: 1_000);
        Assert.Equal(1, result.FilesVaried); // 2 × 16 × 16 = 512 pixels
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("wide.png", skipped.Path);
        Assert.Contains("3,200 pixels", skipped.Reason, StringComparison.Ordinal); // 2 × 40 × 40
        Assert.Contains("serve --max-output-pixels", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelling_stops_between_batches_and_keeps_what_was_written()
    {
        var seeds = SeedTree();
        var output = Path.Combine(temp.Path, "out");
        using var cancel = new CancellationTokenSource();
        var plan = FolderAugmentation.Plan(melody, seeds, output, Settings(melody));
        Assert.Throws<OperationCanceledException>(() => Run(plan, batchRows: 1, ct: cancel.Token,
            progress: new Collect([], p => { if (p.FilesDone == 1) cancel.Cancel(); })));
        Assert.Equal(["a-var01.mid", "a-var02.mid"], Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var rest = Run(FolderAugmentation.Plan(melody, seeds, output, Settings(melody)));
        Assert.Equal(1, rest.AlreadyDone);
        Assert.Equal(2, rest.FilesVaried);
    }

    [Fact]
    public void A_text_file_gives_one_output_per_variation_holding_every_line()
    {
        var registry = services.GetRequiredService<ModalityRegistry>();
        var text = registry.Get("text");
        var textGenerator = registry.Generator(services.GetRequiredService<ModelStore>().Get(RepoPaths.DefaultTextModel));
        var seeds = Path.Combine(temp.Path, "lines");
        Directory.CreateDirectory(seeds);
        File.WriteAllText(Path.Combine(seeds, "barks.txt"), "The guard eyes you warily.\nA cold wind blows from the north.\n");
        var output = Path.Combine(temp.Path, "out");
        var result = FolderAugmentation.Plan(text, seeds, output, Settings(text, count: 3))
            .Run(textGenerator, requests => textGenerator.VaryMany(requests));
        Assert.Equal(3, result.OutputsWritten);
        for (var k = 1; k <= 3; k++)
        {
            var lines = File.ReadAllLines(Path.Combine(output, $"barks-var{k:00}.txt"));
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.False(string.IsNullOrWhiteSpace(l)));
        }
    }

    [Fact]
    public void Seed_random_draws_depend_on_the_path_and_are_stable()
    {
        Assert.Equal(FolderAugmentation.SeedRng(7, "a/b.mid", 0), FolderAugmentation.SeedRng(7, "a/b.mid", 0));
        Assert.NotEqual(FolderAugmentation.SeedRng(7, "a/b.mid", 0), FolderAugmentation.SeedRng(7, "a/c.mid", 0));
        Assert.NotEqual(FolderAugmentation.SeedRng(7, "a/b.mid", 0), FolderAugmentation.SeedRng(8, "a/b.mid", 0));
        Assert.NotEqual(FolderAugmentation.SeedRng(7, "a/b.mid", 0), FolderAugmentation.SeedRng(7, "a/b.mid", 1));
        Assert.Equal(4187218636244247486L, FolderAugmentation.SeedRng(7, "a/b.mid", 0)); // FNV-1a-64 mix, checked in Python: outputs must not change between versions or processes
        Assert.True(FolderAugmentation.SeedRng(-1, "x", 3) >= 0);
    }

    private sealed class Collect(List<AugmentationProgress> into, Action<AugmentationProgress>? also = null) : IProgress<AugmentationProgress>
    {
        public void Report(AugmentationProgress value)
        {
            into.Add(value);
            also?.Invoke(value);
        }
    }
}
