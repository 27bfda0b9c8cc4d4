using System.Text.Json.Nodes;
using VaeCreative.Core.Training;
using VaeCreative.Image.Imaging;

namespace VaeCreative.Image.Corpus;

/// <summary>
/// Training images, split into training and held-out images. Three sources:
/// <list type="bullet">
/// <item>a folder holding MNIST-style idx files (<c>train-images-idx3-ubyte[.gz]</c> and
/// <c>t10k-images-idx3-ubyte[.gz]</c>): the data set's own split, train and test, every image kept (the validation
/// fraction does not apply);</item>
/// <item>one idx file: split by hash;</item>
/// <item>a list file (<c>.txt</c>): the image files it names, one per line (relative to the list's folder; blank
/// lines and lines starting with <c>#</c> ignored), to train on chosen files of a folder;</item>
/// <item>an image file, or a folder of them (PNG, JPEG, BMP, GIF, WebP; searched below, hidden entries and links
/// skipped): each image whole, or cut into square cells with <c>--tile N</c> (<see cref="SpriteSheet"/>); images
/// that are clear, one flat colour, or byte-identical to one already read are left out; split by hash.</item>
/// </list>
/// An image is held out by a stable hash of its pixels (<see cref="IsHeldOut"/>), so it is held out in every run.
/// </summary>
public sealed class ImageCorpus : TrainingCorpus
{
    /// <summary>Most files a description lists by name; more are recorded as a count and <see cref="FilesDigest"/>.</summary>
    public const int MaxListedFiles = 100;

    /// <summary>SHA-256 (hex) of the files' full paths, sorted ordinally, one per line: what a run read, in 64 characters.</summary>
    public static string FilesDigest(IEnumerable<string> files) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\n', files.Order(StringComparer.Ordinal))))).ToLowerInvariant();

    /// <summary>Most files listed under a folder.</summary>
    public const int MaxFiles = 100_000;

    /// <summary>Largest image file read (bytes).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Most pixels held in all (about 4 GiB of RGBA): more is refused rather than swapped.</summary>
    public const long MaxTotalPixels = 1L << 30;

    /// <summary>The rule <see cref="IsHeldOut"/> applies, for the manifest.</summary>
    public const string SplitRule = "held out when FNV-1a-64 of the image's RGBA bytes mod 10000 < validation fraction × 10000";

    /// <summary>The standard split's rule, for the manifest.</summary>
    public const string StandardSplitRule = "the data set's own split: train-images for training, t10k-images held out";

    /// <summary>Extensions of the image files read from a folder.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private ImageCorpus(string source, List<RgbaImage> train, List<RgbaImage> validation, JsonObject description, string summary)
    {
        Source = source;
        Train = train;
        Validation = validation;
        this.description = description;
        Summary = summary;
    }

    private readonly JsonObject description;

    /// <summary>Training images, in the order read.</summary>
    public IReadOnlyList<RgbaImage> Train { get; }

    /// <summary>Held-out images, in the order read.</summary>
    public IReadOnlyList<RgbaImage> Validation { get; }

    /// <inheritdoc />
    public override string Summary { get; }

    /// <inheritdoc />
    public override JsonObject Describe() => (JsonObject)description.DeepClone();

    /// <summary>True when every image is grey and opaque (a one-channel model fits them).</summary>
    public bool AllGreyAndOpaque => Train.Concat(Validation).All(i => i.IsGrey && !i.HasAlpha);

    /// <summary>True when some image has transparency (the model needs an alpha channel).</summary>
    public bool AnyAlpha => Train.Concat(Validation).Any(i => i.HasAlpha);

    /// <summary>True when <paramref name="image"/> belongs to the held-out fraction: the same answer in every process.</summary>
    public static bool IsHeldOut(RgbaImage image, double validationFraction) =>
        StableSplit.IsHeldOut(SpriteCells.Hash(image), validationFraction);

    /// <summary>
    /// Reads <paramref name="path"/>. <paramref name="tile"/> cuts images into cells of that side (null: whole images).
    /// Throws <see cref="TrainingDataException"/> when the path does not exist, is not a plausible corpus, or gives no
    /// training image, and <see cref="ArgumentOutOfRangeException"/> for a fraction outside [0, 1) or a tile outside
    /// [<see cref="SpriteSheet.MinTile"/>, <see cref="SpriteSheet.MaxTile"/>].
    /// </summary>
    public static ImageCorpus Load(string path, double validationFraction, int? tile, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(log);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be at least 0 and below 1.");
        if (tile is { } t && (t < SpriteSheet.MinTile || t > SpriteSheet.MaxTile))
            throw new ArgumentOutOfRangeException(nameof(tile), t, $"--tile must be between {SpriteSheet.MinTile} and {SpriteSheet.MaxTile}; got {t}.");
        var source = Path.GetFullPath(path);
        ImageCorpus corpus;
        if (Directory.Exists(path))
        {
            if (TrainingDataFolder.Implausible(path) is { } what)
                throw new TrainingDataException($"'{path}' is {what}, not a folder of training images.");
            corpus = IdxPair(path) is { } pair
                ? FromStandardSplit(source, pair.Train, pair.Test, tile)
                : FromImageFiles(source, List(path), validationFraction, tile, log);
        }
        else if (File.Exists(path) && Path.GetExtension(path).Equals(".txt", StringComparison.OrdinalIgnoreCase))
        {
            corpus = FromImageFiles(source, ReadList(path), validationFraction, tile, log);
        }
        else if (File.Exists(path))
        {
            corpus = IsIdx(path)
                ? FromImages(source, IdxImages.Read(path), [source], validationFraction, tile, 0, "idx")
                : FromImageFiles(source, [source], validationFraction, tile, log);
        }
        else
        {
            throw new TrainingDataException($"training data '{path}' does not exist (pass an image file, a folder of images or sprite sheets, or a folder of idx files).");
        }
        return corpus;
    }

    /// <summary>The train and test idx files of a folder (plain or gzipped), or null when it has no train file.</summary>
    private static (string Train, string Test)? IdxPair(string folder)
    {
        string? Find(string stem) =>
            new[] { stem, stem + ".gz" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        var train = Find("train-images-idx3-ubyte") ?? Find("train-images.idx3-ubyte");
        if (train is null) return null;
        var test = Find("t10k-images-idx3-ubyte") ?? Find("t10k-images.idx3-ubyte")
            ?? throw new TrainingDataException($"'{folder}' has {Path.GetFileName(train)} but no t10k-images-idx3-ubyte[.gz] beside it (the held-out images).");
        return (train, test);
    }

    private static bool IsIdx(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        return name.Contains("idx3", StringComparison.Ordinal);
    }

    private static ImageCorpus FromStandardSplit(string source, string trainFile, string testFile, int? tile)
    {
        // A data set's own split is kept whole (blank and repeated images too), so held-out figures compare with
        // the literature's; only cells cut with --tile are sifted.
        int trainDropped = 0, testDropped = 0;
        var train = tile is null ? IdxImages.Read(trainFile).ToList() : Prepare(IdxImages.Read(trainFile), tile, out trainDropped);
        var test = tile is null ? IdxImages.Read(testFile).ToList() : Prepare(IdxImages.Read(testFile), tile, out testDropped);
        if (train.Count == 0) throw new TrainingDataException($"'{trainFile}' holds no images to train on.");
        var description = new JsonObject
        {
            ["files"] = new JsonArray(trainFile, testFile),
            ["images"] = train.Count + test.Count,
            ["heldOut"] = test.Count,
            ["split"] = StandardSplitRule,
        };
        if (tile is { } t) description["tile"] = t;
        var summary = $"{train.Count:N0} training images from {Path.GetFileName(trainFile)} and {test.Count:N0} held out from {Path.GetFileName(testFile)} (the data set's own split)"
            + (trainDropped + testDropped > 0 ? $"; {trainDropped + testDropped:N0} empty or repeated cells left out" : "");
        return new ImageCorpus(source, train, test, description, summary);
    }

    /// <summary>Every image of <paramref name="images"/> (cut into cells when <paramref name="tile"/> is set), hash-split.</summary>
    private static ImageCorpus FromImages(string source, IReadOnlyList<RgbaImage> images, IReadOnlyList<string> files, double fraction, int? tile, int skipped, string what)
    {
        var kept = Prepare(images, tile, out var dropped);
        var train = new List<RgbaImage>();
        var validation = new List<RgbaImage>();
        foreach (var image in kept) (IsHeldOut(image, fraction) ? validation : train).Add(image);
        if (train.Count == 0)
            throw new TrainingDataException(kept.Count == 0
                ? $"the {what} data holds no images to train on: every {(tile is null ? "image" : "cell")} is clear, one flat colour or a repeat."
                : $"the {what} data gives {validation.Count:N0} images, all held out; none is left for training.");
        var description = new JsonObject
        {
            // A manifest is read on every listing: past a hundred files it holds their count and a digest, not the list.
            ["files"] = files.Count <= MaxListedFiles
                ? new JsonArray(files.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray())
                : JsonValue.Create(files.Count),
            ["images"] = kept.Count,
            ["heldOut"] = validation.Count,
            ["leftOut"] = dropped,
            ["split"] = SplitRule,
        };
        if (files.Count > MaxListedFiles) description["filesSha256"] = FilesDigest(files);
        if (tile is { } t) description["tile"] = t;
        if (skipped > 0) description["skippedFiles"] = skipped;
        var unit = tile is null ? "images" : $"{tile}-pixel cells";
        var summary = $"{train.Count:N0} training and {validation.Count:N0} held-out {unit} ({fraction * 100:0.#}% by a hash of the pixels) from {files.Count:N0} file(s)"
            + (dropped > 0 ? $"; {dropped:N0} clear, flat or repeated left out" : "")
            + (skipped > 0 ? $"; {skipped:N0} file(s) skipped" : "");
        return new ImageCorpus(source, train, validation, description, summary);
    }

    private static ImageCorpus FromImageFiles(string source, IReadOnlyList<string> paths, double fraction, int? tile, Action<string> log)
    {
        var images = new List<RgbaImage>();
        var read = new List<string>();
        var skipped = 0;
        string? firstSkip = null; // "FILE: reason", for an error that must stand alone (a host's job shows only it)
        long pixels = 0;
        foreach (var file in paths)
        {
            try
            {
                var length = new FileInfo(file).Length;
                if (length > MaxFileBytes)
                {
                    log($"skipped {file}: {length:N0} bytes (the limit is {MaxFileBytes:N0})");
                    firstSkip ??= $"{file}: {length:N0} bytes (the limit is {MaxFileBytes:N0})";
                    skipped++;
                    continue;
                }
                var image = ImageDecoder.Decode(File.ReadAllBytes(file), Path.GetFileName(file));
                pixels += (long)image.Width * image.Height;
                if (pixels > MaxTotalPixels)
                    throw new TrainingDataException($"'{source}' holds more than {MaxTotalPixels:N0} pixels of images; train on a smaller folder.");
                images.Add(image);
                read.Add(file);
            }
            catch (Exception e) when (e is ImageReadException or IOException or UnauthorizedAccessException)
            {
                log($"skipped {file}: {e.Message}");
                firstSkip ??= $"{file}: {e.Message}";
                skipped++;
            }
        }
        if (images.Count == 0)
            throw new TrainingDataException(paths.Count == 0
                ? $"'{source}' holds no image files ({string.Join(", ", Extensions)})."
                : $"none of the {paths.Count:N0} image files in '{source}' could be read; the first: {firstSkip}");
        return FromImages(source, images, read, fraction, tile, skipped, "image");
    }

    /// <summary>Whole images, or their cells; clear, flat and repeated ones left out (counted in <paramref name="dropped"/>).</summary>
    private static List<RgbaImage> Prepare(IReadOnlyList<RgbaImage> images, int? tile, out int dropped)
    {
        var cells = new SpriteCells();
        dropped = 0;
        foreach (var image in images)
        {
            if (tile is { } t)
            {
                var cut = SpriteSheet.Cut(image, t, cells);
                dropped += cut.Empty + cut.Duplicates;
            }
            else if (SpriteSheet.IsEmpty(image) || !cells.TryAdd(image))
            {
                dropped++;
            }
        }
        return cells.Cells.ToList();
    }

    /// <summary>The files a list names, as full paths; a named file that does not exist is an error naming its line.</summary>
    private static List<string> ReadList(string list)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(list))!;
        var files = new List<string>();
        var lines = File.ReadAllLines(list);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var file = Path.GetFullPath(Path.Combine(folder, line));
            if (!File.Exists(file))
                throw new TrainingDataException($"'{list}', line {i + 1}: '{line}' does not exist.");
            if (files.Count == MaxFiles)
                throw new TrainingDataException($"'{list}' names more than {MaxFiles:N0} files; train on fewer.");
            files.Add(file);
        }
        return files;
    }

    /// <summary>Image files under <paramref name="folder"/>, sorted by path (ordinal), at most <see cref="MaxFiles"/>.</summary>
    private static List<string> List(string folder)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint | FileAttributes.System,
            MaxRecursionDepth = 32,
        };
        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", options))
        {
            if (Path.GetFileName(file).StartsWith('.') || !Extensions.Contains(Path.GetExtension(file).ToLowerInvariant(), StringComparer.Ordinal)) continue;
            if (files.Count == MaxFiles)
                throw new TrainingDataException($"'{folder}' holds more than {MaxFiles:N0} image files; train on a smaller folder.");
            files.Add(file);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
