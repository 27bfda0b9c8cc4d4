using VaeCreative.Core.Training;
using VaeCreative.Image.Corpus;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Image.Corpus;

public class ImageCorpusTests
{
    private static byte[] Png(int index) => ImageEncoder.Png(TinyImageRun.Sprite(index));

    [Fact]
    public void A_folder_of_images_is_read_recursively_split_by_a_stable_hash_and_repeats_are_left_out()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        for (var i = 0; i < 40; i++) File.WriteAllBytes(Path.Combine(dir.Path, i < 20 ? "" : "sub", $"{i}.png"), Png(i));
        File.WriteAllBytes(Path.Combine(dir.Path, "copy.png"), Png(3));                   // a repeat
        File.WriteAllBytes(Path.Combine(dir.Path, "clear.png"), ImageEncoder.Png(new RgbaImage(4, 4, new byte[64]))); // empty
        File.WriteAllBytes(Path.Combine(dir.Path, "notes.txt"), "not an image"u8.ToArray());
        File.WriteAllBytes(Path.Combine(dir.Path, "broken.png"), Png(5)[..40]);
        var log = new List<string>();
        var corpus = ImageCorpus.Load(dir.Path, 0.25, null, log.Add);
        Assert.Equal(40, corpus.Train.Count + corpus.Validation.Count);
        Assert.All(corpus.Validation, i => Assert.True(ImageCorpus.IsHeldOut(i, 0.25)));
        Assert.All(corpus.Train, i => Assert.False(ImageCorpus.IsHeldOut(i, 0.25)));
        Assert.InRange(corpus.Validation.Count, 3, 18);
        Assert.Contains(log, l => l.Contains("broken.png") && l.Contains("truncated"));
        Assert.Equal(2, corpus.Describe()["leftOut"]!.GetValue<int>());
        Assert.Equal(1, corpus.Describe()["skippedFiles"]!.GetValue<int>());
        // The same split in another load (and another process: the hash is FNV-1a of the pixels).
        var again = ImageCorpus.Load(dir.Path, 0.25, null, _ => { });
        Assert.Equal(corpus.Validation.Select(SpriteCells.Hash), again.Validation.Select(SpriteCells.Hash));
        Assert.False(corpus.AllGreyAndOpaque);
        Assert.True(corpus.AnyAlpha);
    }

    [Fact]
    public void Tiles_cut_sheets_and_a_list_file_chooses_files()
    {
        using var dir = new TempDir();
        // A 32 × 16 sheet holding two 16-pixel sprites, and a list naming it (and a comment).
        var sheet = new byte[4 * 32 * 16];
        foreach (var (sprite, offset) in new[] { (TinyImageRun.Sprite(0), 0), (TinyImageRun.Sprite(4), 16) })
            for (var y = 0; y < 16; y++) Array.Copy(sprite.Rgba, 4 * y * 16, sheet, 4 * (y * 32 + offset), 4 * 16);
        File.WriteAllBytes(Path.Combine(dir.Path, "sheet.png"), ImageEncoder.Png(new RgbaImage(32, 16, sheet)));
        File.WriteAllBytes(Path.Combine(dir.Path, "other.png"), Png(7));
        var list = Path.Combine(dir.Path, "data.txt");
        File.WriteAllLines(list, ["# the sheet only", "", "sheet.png"]);
        var corpus = ImageCorpus.Load(list, 0, 16, _ => { });
        Assert.Equal(2, corpus.Train.Count);
        Assert.All(corpus.Train, c => Assert.Equal((16, 16), (c.Width, c.Height)));
        Assert.Equal(16, corpus.Describe()["tile"]!.GetValue<int>());
        File.WriteAllLines(list, ["sheet.png", "missing.png"]);
        var e = Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(list, 0, 16, _ => { }));
        Assert.Contains("line 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCorpus.Load(list, 0, 2, _ => { }));
    }

    [Fact]
    public void A_folder_of_idx_files_keeps_the_data_set_own_split()
    {
        using var dir = new TempDir();
        var train = Enumerable.Range(0, 5 * 28 * 28).Select(i => (byte)(i * 7 % 251)).ToArray();
        var test = Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)(i * 11 % 253)).ToArray();
        // The test part also holds a blank image and a repeat: a standard split is kept whole, so figures compare.
        test = [.. test, .. new byte[28 * 28], .. test.Take(28 * 28)];
        File.WriteAllBytes(Path.Combine(dir.Path, "train-images-idx3-ubyte"), IdxImagesTests.Idx(IdxImages.ImagesMagic, 5, 28, 28, train));
        File.WriteAllBytes(Path.Combine(dir.Path, "t10k-images-idx3-ubyte"), IdxImagesTests.Idx(IdxImages.ImagesMagic, 4, 28, 28, test));
        var corpus = ImageCorpus.Load(dir.Path, 0.5, null, _ => { });
        Assert.Equal((5, 4), (corpus.Train.Count, corpus.Validation.Count));
        Assert.True(corpus.AllGreyAndOpaque);
        Assert.Equal(ImageCorpus.StandardSplitRule, corpus.Describe()["split"]!.GetValue<string>());
        File.Delete(Path.Combine(dir.Path, "t10k-images-idx3-ubyte"));
        Assert.Contains("t10k", Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(dir.Path, 0.5, null, _ => { })).Message);
    }

    [Fact]
    public void No_readable_image_is_an_error_that_says_why_by_itself()
    {
        // A host's training job shows only this message: it cannot point at log lines printed elsewhere.
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, "a.png"), "nope"u8.ToArray());
        File.WriteAllBytes(Path.Combine(dir.Path, "b.png"), "nope"u8.ToArray());
        var logged = new List<string>();
        var message = Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(dir.Path, 0.1, null, logged.Add)).Message;
        Assert.DoesNotContain("above", message);
        Assert.Contains("none of the 2 image files", message);
        Assert.StartsWith("skipped ", logged[0]);
        Assert.Contains(logged[0]["skipped ".Length..], message); // the first file and why it could not be read
    }

    [Fact]
    public void Nothing_to_train_on_is_a_clear_error()
    {
        using var dir = new TempDir();
        Assert.Contains("holds no image files", Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(dir.Path, 0.1, null, _ => { })).Message);
        File.WriteAllBytes(Path.Combine(dir.Path, "a.png"), "nope"u8.ToArray());
        Assert.Contains("could be read", Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(dir.Path, 0.1, null, _ => { })).Message);
        Assert.Contains("does not exist", Assert.Throws<TrainingDataException>(() => ImageCorpus.Load(Path.Combine(dir.Path, "none"), 0.1, null, _ => { })).Message);
        Assert.Contains("system folder", Assert.Throws<TrainingDataException>(() => ImageCorpus.Load("/usr", 0.1, null, _ => { })).Message);
    }
}
