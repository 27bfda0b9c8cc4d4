using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Training;

namespace VaeCreative.Core.Augmentation;

/// <summary>
/// Variations of every file of a folder (data augmentation), written into a second folder that mirrors its tree:
/// <c>a/b/tune.mid</c> gives <c>OUT/a/b/tune-var01.mid</c> … <c>tune-varNN.mid</c>. A text file's k-th output holds
/// the k-th variation of each of its lines. Files of other types are counted and left alone; files that cannot be
/// read are skipped with the reason. Seeds of many files share each model pass. Nothing in the output folder is ever
/// overwritten; a file whose outputs all exist is done, so a run that stopped resumes where it was when started again
/// with the same settings (each file's random draws depend only on the settings and its path, not on the batch it
/// went in). Hidden files and folders and symbolic links are not followed.
/// </summary>
public sealed class FolderAugmentation
{
    /// <summary>The record of settings and the last run, in the output folder.</summary>
    public const string RecordFile = ".vaecreative-augment.json";

    /// <summary>Model rows per pass (outputs × seed windows), default; the engine's batching works best up to about this.</summary>
    public const int DefaultBatchRows = 512;

    private readonly IModality modality;
    private readonly AugmentationSettings settings;
    private readonly IReadOnlyList<SeedFile> pending;
    private readonly IReadOnlyDictionary<string, int> ignored;
    private readonly int digits;
    private readonly HashSet<string> cleaned = new(StringComparer.Ordinal);

    private FolderAugmentation(IModality modality, AugmentationSettings settings, string source, string output, IReadOnlyList<SeedFile> pending,
        int alreadyDone, IReadOnlyDictionary<string, int> ignored)
    {
        this.modality = modality;
        this.settings = settings;
        Source = source;
        Output = output;
        this.pending = pending;
        AlreadyDone = alreadyDone;
        this.ignored = ignored;
        digits = Digits(settings.Variation.Count);
    }

    /// <summary>The seed folder (full path).</summary>
    public string Source { get; }

    /// <summary>The output folder (full path).</summary>
    public string Output { get; }

    /// <summary>Seed files this run will vary (relative paths, '/' separators, in the order they are done).</summary>
    public IReadOnlyList<string> Pending => pending.Select(f => f.Relative).ToList();

    /// <summary>Seed files an earlier run finished.</summary>
    public int AlreadyDone { get; }

    /// <summary>
    /// Scans <paramref name="source"/> for files <paramref name="modality"/> reads and checks <paramref name="output"/>:
    /// it must be new, empty, or the output folder of an earlier run of the same seed folder with the same <paramref name="settings"/>.
    /// Throws <see cref="AugmentationException"/> otherwise.
    /// </summary>
    public static FolderAugmentation Plan(IModality modality, string source, string output, AugmentationSettings settings)
    {
        var from = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        var to = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (!Directory.Exists(from)) throw new AugmentationException($"the seed folder '{source}' does not exist.");
        if (Training.TrainingDataFolder.Implausible(from) is { } what)
            throw new AugmentationException($"the seed folder '{source}' is {what}; give the folder of your seed files.");
        if (File.Exists(to)) throw new AugmentationException($"the output '{output}' is a file; give a folder (new, empty, or one an earlier run wrote).");
        if (Same(from, to) || IsInside(to, from))
            throw new AugmentationException($"the output folder '{output}' holds the seed folder; choose a folder outside it.");
        CheckOutput(to, output, from, settings);

        var outputExtension = modality.Formats[0].Extensions[0];
        var digits = Digits(settings.Variation.Count);
        var ignored = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var files = new List<SeedFile>();
        var taken = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var alreadyDone = 0;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var all = Directory.EnumerateFiles(from, "*", options)
            .Where(f => !IsInside(to, f) && !Path.GetRelativePath(from, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Select(f => (Full: f, Relative: Path.GetRelativePath(from, f).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in all)
        {
            if (!modality.Formats.Any(f => f.Matches(full)))
            {
                var extension = Path.GetExtension(full).ToLowerInvariant();
                ignored[extension] = ignored.GetValueOrDefault(extension) + 1;
                continue;
            }
            // Outputs are named after the seed's stem; a second seed with that stem in one folder (tune.mid, tune.midi)
            // adds its extension so neither overwrites the other.
            var folder = Path.GetDirectoryName(relative.Replace('/', Path.DirectorySeparatorChar)) ?? "";
            var stem = Path.Combine(to, folder, Path.GetFileNameWithoutExtension(full));
            if (!taken.Add(stem)) stem += "_" + Path.GetExtension(full).TrimStart('.');
            var file = new SeedFile(full, relative, stem, outputExtension);
            if (file.OutputPaths(0, settings.Variation.Count, digits).All(File.Exists)) alreadyDone++;
            else files.Add(file);
        }
        return new FolderAugmentation(modality, settings, from, to, files, alreadyDone, ignored);
    }

    /// <summary>
    /// Varies the pending files through <paramref name="generator"/>, <paramref name="vary"/> running each batch of
    /// requests (the CLI calls the generator; the host queues them beside other requests). Writes the record first and
    /// each file's outputs as soon as its batch is done; stops between batches when <paramref name="cancellationToken"/>
    /// fires (what was written stays, and a later run resumes).
    /// </summary>
    /// <param name="generator">The model's generator (reads the seeds).</param>
    /// <param name="vary">Runs one batch of requests.</param>
    /// <param name="progress">Hears how far the run is after every batch.</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
    /// <param name="batchRows">Model rows (outputs × seed windows) gathered before a batch runs.</param>
    /// <param name="maxSeedRows">Seeds longer than this many model rows are skipped with the reason (a host's limit); null: any length.</param>
    /// <param name="maxOutputPixels">
    /// Most pixels of one batch's outputs (a host's limit: outputs come back at their seed's size): a seed whose outputs
    /// alone hold more is skipped with the reason, and a batch runs before it would pass it; null: no limit.
    /// </param>
    public AugmentationResult Run(IMaterialGenerator generator, Func<IReadOnlyList<MaterialVariation>, IReadOnlyList<IReadOnlyList<Material>>> vary,
        IProgress<AugmentationProgress>? progress = null, CancellationToken cancellationToken = default, int batchRows = DefaultBatchRows, int? maxSeedRows = null,
        long? maxOutputPixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Output);
        WriteRecord(null);
        var skipped = new List<SkippedFile>();
        var (varied, written, done, finishedMeanwhile) = (0, 0, 0, 0);
        var batch = new List<PreparedFile>();
        var rows = 0L;
        var pixels = 0L;
        void Flush()
        {
            if (batch.Count == 0) return;
            foreach (var (file, outputs) in VaryBatch(batch, vary, skipped))
            {
                written += Write(file, outputs);
                varied++;
            }
            done += batch.Count;
            batch.Clear();
            rows = pixels = 0;
            progress?.Report(new AugmentationProgress(done, pending.Count, written, skipped.Count));
        }

        foreach (var file in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prepared = Prepare(generator, file, skipped, maxSeedRows, maxOutputPixels);
            if (prepared is null || prepared.Finished)
            {
                done++;
                if (prepared is not null) finishedMeanwhile++; // its outputs appeared after the plan was made
                progress?.Report(new AugmentationProgress(done, pending.Count, written, skipped.Count));
                continue;
            }
            var filePixels = prepared.Seeds.Sum(s => s.OutputPixels) * settings.Variation.Count;
            if (maxOutputPixels is { } limit && pixels + filePixels > limit) Flush();
            batch.Add(prepared);
            rows += prepared.Seeds.Sum(s => (long)s.Rows) * settings.Variation.Count;
            pixels += filePixels;
            if (rows >= batchRows)
            {
                Flush();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        Flush();
        var result = new AugmentationResult(varied, written, AlreadyDone + finishedMeanwhile, skipped, ignored, clock.Elapsed);
        WriteRecord(result);
        return result;
    }

    /// <summary>Reads and prepares one file's seeds; null (and a skip) when it cannot be read.</summary>
    private PreparedFile? Prepare(IMaterialGenerator generator, SeedFile file, List<SkippedFile> skipped, int? maxSeedRows, long? maxOutputPixels)
    {
        try
        {
            var seeds = modality.ReadSeedFile(file.Full, settings.Properties);
            if (seeds.Count == 0) throw new MaterialException("it holds no seed material.");
            var prepared = seeds.Select((s, i) => generator.Prepare(s, seeds.Count == 1 ? file.Relative : $"{file.Relative} line {i + 1}")).ToList();
            if (maxSeedRows is { } max && prepared.FirstOrDefault(p => p.Rows > max) is { } tooLong)
                throw new MaterialException($"it is {tooLong.Extent}; this host takes seeds of at most {max} model rows (the CLI takes any length).", overLimit: true);
            if (maxOutputPixels is { } limit && prepared.FirstOrDefault(p => p.OutputPixels * settings.Variation.Count > limit) is { } tooLarge)
                throw new MaterialException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"its {settings.Variation.Count} outputs would hold {tooLarge.OutputPixels * settings.Variation.Count:N0} pixels; this host's limit is {limit:N0} (serve --max-output-pixels; the CLI has none)."), overLimit: true);
            var paths = Text
                ? file.OutputPaths(0, settings.Variation.Count, digits).ToList()
                : Enumerable.Range(0, seeds.Count).SelectMany(i => file.OutputPaths(seeds.Count == 1 ? 0 : i + 1, settings.Variation.Count, digits)).ToList();
            return new PreparedFile(file, prepared, paths, paths.All(File.Exists));
        }
        catch (Exception e) when (e is MaterialException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            skipped.Add(new SkippedFile(file.Relative, Reason(e, file)));
            return null;
        }
    }

    /// <summary>
    /// One pass for the whole batch; when the pass refuses material (one bad seed), each file alone, so only the
    /// bad one is skipped.
    /// </summary>
    private IEnumerable<(PreparedFile File, IReadOnlyList<IReadOnlyList<Material>> Outputs)> VaryBatch(IReadOnlyList<PreparedFile> files,
        Func<IReadOnlyList<MaterialVariation>, IReadOnlyList<IReadOnlyList<Material>>> vary, List<SkippedFile> skipped)
    {
        IReadOnlyList<IReadOnlyList<Material>>? all = null;
        try { all = vary(files.SelectMany(Requests).ToList()); }
        catch (MaterialException e) when (files.Count == 1)
        {
            skipped.Add(new SkippedFile(files[0].File.Relative, Reason(e, files[0].File)));
            return [];
        }
        catch (MaterialException) { } // one of them: each alone below
        if (all is not null)
        {
            var at = 0;
            var results = new List<(PreparedFile, IReadOnlyList<IReadOnlyList<Material>>)>();
            foreach (var file in files)
            {
                results.Add((file, all.Skip(at).Take(file.Seeds.Count).ToList()));
                at += file.Seeds.Count;
            }
            return results;
        }
        var alone = new List<(PreparedFile, IReadOnlyList<IReadOnlyList<Material>>)>();
        foreach (var file in files)
        {
            try { alone.Add((file, vary(Requests(file).ToList()))); }
            catch (MaterialException e) { skipped.Add(new SkippedFile(file.File.Relative, Reason(e, file.File))); }
        }
        return alone;
    }

    /// <summary>One request per seed of the file, its random draws keyed to the file's path and the seed's place.</summary>
    private IEnumerable<MaterialVariation> Requests(PreparedFile file) =>
        file.Seeds.Select((seed, i) => new MaterialVariation(seed, settings.Variation with { Rng = SeedRng(settings.Variation.Rng, file.File.Relative, i) }));

    /// <summary>Writes the outputs that are not there yet; returns how many it wrote.</summary>
    private int Write(PreparedFile file, IReadOnlyList<IReadOnlyList<Material>> outputs)
    {
        // A run killed while writing leaves a temporary file beside its output: gone before this run writes there.
        if (cleaned.Add(Path.GetDirectoryName(file.Paths[0])!)) AtomicFile.RemoveStaleTemporaries(Path.GetDirectoryName(file.Paths[0])!);
        var written = 0;
        if (Text)
        {
            // The k-th output file holds the k-th variation of every line.
            for (var k = 0; k < settings.Variation.Count; k++)
            {
                var text = new StringBuilder();
                foreach (var seedOutputs in outputs) text.Append(seedOutputs[k].Text).Append('\n');
                if (AtomicFile.TryWriteNew(file.Paths[k], Encoding.UTF8.GetBytes(text.ToString()))) written++;
            }
            return written;
        }
        var index = 0;
        foreach (var seedOutputs in outputs)
            foreach (var output in seedOutputs)
                if (AtomicFile.TryWriteNew(file.Paths[index++], output.Data ?? [])) written++;
        return written;
    }

    private bool Text => modality.Formats[0].MediaType.StartsWith("text/", StringComparison.Ordinal);

    private void WriteRecord(AugmentationResult? last)
    {
        var record = new JsonObject
        {
            ["source"] = Source,
            ["settings"] = settings.ToJson(),
        };
        if (last is not null)
            record["lastRun"] = new JsonObject
            {
                ["filesVaried"] = last.FilesVaried,
                ["outputsWritten"] = last.OutputsWritten,
                ["alreadyDone"] = last.AlreadyDone,
                ["seconds"] = Math.Round(last.Elapsed.TotalSeconds, 1),
                ["skipped"] = new JsonArray(last.Skipped.Select(s => (JsonNode)new JsonObject { ["path"] = s.Path, ["reason"] = s.Reason }).ToArray()),
            };
        AtomicFile.WriteAllText(Path.Combine(Output, RecordFile), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The output folder is new, empty, or an earlier run's with the same settings.</summary>
    private static void CheckOutput(string full, string given, string source, AugmentationSettings settings)
    {
        if (!Directory.Exists(full)) return;
        var record = Path.Combine(full, RecordFile);
        if (!File.Exists(record))
        {
            if (Directory.EnumerateFileSystemEntries(full).Any())
                throw new AugmentationException($"the output folder '{given}' holds files an augmentation did not write; choose a new or empty folder (or the folder of an earlier run, to resume it).");
            return;
        }
        JsonObject? recorded;
        string? recordedSource;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(record));
            recorded = node?["settings"] as JsonObject;
            recordedSource = (string?)node?["source"];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { (recorded, recordedSource) = (null, null); }
        if (recorded is null || recordedSource is null)
            throw new AugmentationException($"'{record}' is damaged; choose another output folder (or delete it to resume there with these settings).");
        if (!Same(recordedSource, source))
            throw new AugmentationException($"the output folder '{given}' holds variations of another seed folder ('{recordedSource}'); choose another output folder.");
        if (settings.Difference(recorded) is { } difference)
            throw new AugmentationException($"the output folder '{given}' holds variations made with other settings ({difference}); resume with the same settings or choose another folder.");
    }

    private static string Reason(Exception e, SeedFile file)
    {
        var message = e.Message.Split('\n')[0];
        // Readers name the file themselves ("FILE: reason"): the list names it already.
        foreach (var prefix in new[] { file.Full + ": ", file.Relative + ": ", $"'{file.Full}': ", $"'{file.Relative}': " })
            if (message.StartsWith(prefix, StringComparison.Ordinal)) return message[prefix.Length..];
        return message;
    }

    /// <summary>A seed's random seed: the run's, mixed with FNV-1a-64 of the file's relative path and the seed's place (stable in every process).</summary>
    internal static long SeedRng(long rng, string relative, int seedIndex)
    {
        var hash = StableSplit.Hash64(Encoding.UTF8.GetBytes(relative));
        return (long)((ulong)rng * 0x9E3779B97F4A7C15UL ^ hash ^ (ulong)seedIndex * 0xBF58476D1CE4E5B9UL) & long.MaxValue;
    }

    private static int Digits(int count) => Math.Max(2, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);

    /// <summary>How the file system compares names: exactly on Linux, ignoring case on Windows and macOS (their defaults).</summary>
    private static readonly StringComparison PathComparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static bool Same(string a, string b) => string.Equals(a, b, PathComparison);

    /// <summary>True when <paramref name="path"/> is below <paramref name="folder"/>.</summary>
    public static bool IsInside(string folder, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, PathComparison);

    /// <summary>True when the two folders are one, or one holds the other (two runs writing there would collide).</summary>
    public static bool Overlap(string a, string b) => Same(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b)) || IsInside(a, b) || IsInside(b, a);

    /// <summary>A seed file and where its outputs go (<c>{Stem}-varNN{Extension}</c>).</summary>
    private sealed record SeedFile(string Full, string Relative, string Stem, string Extension)
    {
        /// <summary>Output paths of seed <paramref name="seed"/> (0: a file of one seed; 1, 2, …: files of several), variations 1…<paramref name="count"/>.</summary>
        public IEnumerable<string> OutputPaths(int seed, int count, int digits) =>
            Enumerable.Range(1, count).Select(k =>
                $"{Stem}{(seed == 0 ? "" : $"-{seed:00}")}-var{k.ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture)}{Extension}");
    }

    private sealed record PreparedFile(SeedFile File, IReadOnlyList<PreparedSeed> Seeds, IReadOnlyList<string> Paths, bool Finished);
}
