using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// The MIDI files of a folder, read and split. The folder must be a plausible corpus: not the root of a
/// file system, a system folder or the home folder, with at most <see cref="MaxFiles"/> MIDI files among at
/// most <see cref="MaxEntries"/> entries; both limits are checked while listing, so a wrong folder is refused
/// after a bounded amount of work. Folders that cannot be listed are skipped and reported
/// (<see cref="SkippedFolders"/>); symbolic links to folders are not followed (no loops, nothing outside).
/// </summary>
public sealed class MelodyCorpus : TrainingCorpus
{
    /// <summary>Most MIDI files in a corpus: above the largest public MIDI collection we know (Lakh MIDI, 178,561 files).</summary>
    public const int MaxFiles = 200_000;

    /// <summary>
    /// Most files and folders of any kind looked at while listing a corpus: a corpus is mostly MIDI files (room for
    /// <see cref="MaxFiles"/> and some notes beside them), and listing a quarter of a million entries takes seconds,
    /// so a folder that is not a corpus is refused in seconds.
    /// </summary>
    public const int MaxEntries = 250_000;

    private readonly IReadOnlyList<Melody> melodies;

    private MelodyCorpus(string root, List<(string Path, bool Validation, int Windows)> files, List<MidiReadException> failures,
        IReadOnlyList<string> skippedFolders, MelodyDataset train, MelodyDataset validation, IReadOnlyList<Melody> melodies, int windowSteps)
    {
        this.melodies = melodies;
        WindowSteps = windowSteps;
        Root = root;
        Source = root;
        Files = files;
        Failures = failures;
        SkippedFolders = skippedFolders;
        Train = train;
        Validation = validation;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>Every file read, whether it is held out, and how many windows it gave.</summary>
    public IReadOnlyList<(string Path, bool Validation, int Windows)> Files { get; }

    /// <summary>Files that could not be used, with the reason.</summary>
    public IReadOnlyList<MidiReadException> Failures { get; }

    /// <summary>Subfolders that could not be listed (permissions, removed while listing); their files are not in the corpus.</summary>
    public IReadOnlyList<string> SkippedFolders { get; }

    /// <summary>Steps per window of <see cref="Train"/> and <see cref="Validation"/> (32: two bars of 4/4; 256: sixteen).</summary>
    public int WindowSteps { get; }

    /// <summary>Training windows.</summary>
    public MelodyDataset Train { get; }

    /// <summary>Held-out windows.</summary>
    public MelodyDataset Validation { get; }

    /// <inheritdoc />
    public override string Summary =>
        $"{Files.Count} files: {Train.Count} training windows, {Validation.Count} validation windows ({Files.Count(f => f.Validation)} files held out)";

    /// <inheritdoc />
    public override JsonObject Describe() => new()
    {
        ["folder"] = Root,
        ["files"] = Files.Count,
        ["skippedFiles"] = Failures.Count,
        ["windowSteps"] = WindowSteps,
        ["trainWindows"] = Train.Count,
        ["validationWindows"] = Validation.Count,
        ["validationFiles"] = new JsonArray(Files.Where(f => f.Validation).Select(f => (JsonNode)Path.GetRelativePath(Root, f.Path)).ToArray()),
        ["augmentation"] = Train.MaxTransposition > 0 ? $"uniform transposition within ±{Train.MaxTransposition} semitones" : "none",
    };

    /// <summary>
    /// The .mid/.midi files under <paramref name="folder"/>, sorted by relative path. Throws
    /// <see cref="DirectoryNotFoundException"/> when it does not exist and <see cref="TrainingDataException"/>
    /// when it is not a plausible corpus.
    /// </summary>
    public static IReadOnlyList<string> ListFiles(string folder) => Scan(folder, MaxFiles, MaxEntries).Files;

    /// <summary>True when the file at <paramref name="relativePath"/> belongs to the held-out fraction.</summary>
    public static bool IsHeldOut(string relativePath, double validationFraction)
    {
        if (validationFraction <= 0) return false;
        // FNV-1a over the normalised relative path: stable across runs, machines and .NET versions.
        var hash = 2166136261u;
        foreach (var ch in relativePath.Replace('\\', '/'))
        {
            hash ^= ch;
            hash *= 16777619u;
        }
        return hash % 10_000 < validationFraction * 10_000;
    }

    /// <summary>
    /// Reads every MIDI file under <paramref name="folder"/>; files that fail are collected, not fatal. Throws as
    /// <see cref="ListFiles"/> does for a folder that is missing or not a plausible corpus.
    /// </summary>
    public static MelodyCorpus Load(string folder, double validationFraction = 0.1, int maxTransposition = 5,
        IProgress<(int Done, int Total)>? progress = null, int windowSteps = MelodyEncoding.WindowSteps)
    {
        var (paths, skipped) = Scan(folder, MaxFiles, MaxEntries);
        var files = new List<(string, bool, int)>();
        var failures = new List<MidiReadException>();
        var train = new List<int[]>();
        var validation = new List<int[]>();
        var results = new (Melody? Melody, MidiReadException? Error)[paths.Count];
        var kept = new List<Melody>();
        var done = 0;
        Parallel.For(0, paths.Count, i =>
        {
            try { results[i] = (MidiMelodyReader.Read(paths[i]), null); }
            catch (MidiReadException e) { results[i] = (null, e); }
            progress?.Report((Interlocked.Increment(ref done), paths.Count));
        });
        for (var i = 0; i < paths.Count; i++)
        {
            var (melody, error) = results[i];
            if (error is not null)
            {
                failures.Add(error);
                continue;
            }
            var heldOut = IsHeldOut(Path.GetRelativePath(folder, paths[i]), validationFraction);
            var windows = MelodyWindows.Training(melody!, windowSteps: windowSteps).ToList();
            (heldOut ? validation : train).AddRange(windows);
            files.Add((paths[i], heldOut, windows.Count));
            kept.Add(melody!);
        }
        return new MelodyCorpus(Path.GetFullPath(folder), files, failures, skipped,
            MelodyDataset.FromWindows(train, maxTransposition), MelodyDataset.FromWindows(validation, 0), kept, windowSteps);
    }

    /// <summary>
    /// The same files and split cut into windows of <paramref name="windowSteps"/> steps (a 16-bar model's 256),
    /// every 4/4 bar as the 2-bar windows are; this corpus when it already has that length.
    /// </summary>
    public MelodyCorpus WithWindows(int windowSteps)
    {
        if (windowSteps == WindowSteps) return this;
        if (windowSteps < 1) throw new ArgumentOutOfRangeException(nameof(windowSteps), windowSteps, "a window holds at least one step.");
        var files = new List<(string, bool, int)>();
        var train = new List<int[]>();
        var validation = new List<int[]>();
        for (var i = 0; i < Files.Count; i++)
        {
            var windows = MelodyWindows.Training(melodies[i], windowSteps: windowSteps).ToList();
            (Files[i].Validation ? validation : train).AddRange(windows);
            files.Add((Files[i].Path, Files[i].Validation, windows.Count));
        }
        return new MelodyCorpus(Root, files, Failures.ToList(), SkippedFolders,
            MelodyDataset.FromWindows(train, Train.MaxTransposition), MelodyDataset.FromWindows(validation, 0), melodies, windowSteps);
    }

    /// <summary>Lists the MIDI files under <paramref name="folder"/> within the limits (tests pass small ones).</summary>
    internal static (IReadOnlyList<string> Files, IReadOnlyList<string> SkippedFolders) Scan(string folder, int maxFiles, int maxEntries)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"data folder '{folder}' does not exist.");
        CheckPlausible(folder);
        var root = Path.GetFullPath(folder);
        var files = new List<string>();
        var skipped = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        var entries = 0;
        // One level at a time so that the limits are checked as entries arrive and an unreadable folder is
        // skipped on its own; links are seen as links (ReparsePoint), not followed.
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 };
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options))
                {
                    if (++entries > maxEntries)
                        throw new TrainingDataException($"'{folder}' holds more than {maxEntries:N0} files and folders; a training folder holds MIDI files (at most {maxFiles:N0}). Pass the folder that holds your .mid files.");
                    if (entry is DirectoryInfo sub)
                    {
                        if ((entry.Attributes & FileAttributes.ReparsePoint) == 0) pending.Push(sub.FullName);
                    }
                    else if (entry.Name.EndsWith(".mid", StringComparison.OrdinalIgnoreCase) || entry.Name.EndsWith(".midi", StringComparison.OrdinalIgnoreCase))
                    {
                        files.Add(entry.FullName);
                        if (files.Count > maxFiles)
                            throw new TrainingDataException($"'{folder}' holds more than {maxFiles:N0} MIDI files, the most a training folder may hold; pass a subfolder.");
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.Security.SecurityException)
            {
                // Includes a folder removed while listing (DirectoryNotFoundException is an IOException).
                skipped.Add(dir);
            }
        }
        // Relative paths from the folder as given, as IsHeldOut sees them.
        files.Sort(StringComparer.Ordinal); // all start with root + separator: the order of their relative paths
        if (!string.Equals(root, folder, StringComparison.Ordinal))
            for (var i = 0; i < files.Count; i++) files[i] = Path.Combine(folder, Path.GetRelativePath(root, files[i]));
        skipped.Sort(StringComparer.Ordinal);
        return (files, skipped);
    }

    /// <summary>Refuses folders that cannot be a corpus (see <see cref="TrainingDataFolder"/>).</summary>
    private static void CheckPlausible(string folder)
    {
        if (TrainingDataFolder.Implausible(folder) is { } what)
            throw new TrainingDataException($"'{folder}' is {what}, not a folder of MIDI files; pass the folder that holds your .mid files.");
    }
}
