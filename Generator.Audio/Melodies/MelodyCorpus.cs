using System.Text.Json.Nodes;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Training;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// The melodies of a folder of MIDI files, read and split by file (<see cref="MidiCorpusFolder"/>: its limits, its
/// split; folders that cannot be listed are reported in <see cref="MidiCorpus.SkippedFolders"/>).
/// </summary>
public sealed class MelodyCorpus : MidiCorpus
{
    private readonly IReadOnlyList<Melody> melodies;

    private MelodyCorpus(string root, List<(string Path, bool Validation, int Windows)> files, List<MidiReadException> failures,
        IReadOnlyList<string> skippedFolders, MelodyDataset train, MelodyDataset validation, IReadOnlyList<Melody> melodies, int windowSteps)
        : base(root, files, failures, skippedFolders)
    {
        this.melodies = melodies;
        WindowSteps = windowSteps;
        Train = train;
        Validation = validation;
    }

    /// <summary>Steps per window of <see cref="Train"/> and <see cref="Validation"/> (32: two bars of 4/4; 256: sixteen).</summary>
    public int WindowSteps { get; }

    /// <summary>Training windows.</summary>
    public MelodyDataset Train { get; }

    /// <summary>Held-out windows.</summary>
    public MelodyDataset Validation { get; }

    /// <inheritdoc />
    protected override int TrainWindows => Train.Count;

    /// <inheritdoc />
    protected override int ValidationWindows => Validation.Count;

    /// <inheritdoc />
    public override JsonObject Describe() => DescribeWith(new JsonObject
    {
        ["windowSteps"] = WindowSteps,
        ["augmentation"] = Train.MaxTransposition > 0 ? $"uniform transposition within ±{Train.MaxTransposition} semitones" : "none",
    });

    /// <summary>
    /// Reads every MIDI file under <paramref name="folder"/>; files that fail are collected, not fatal. Throws as
    /// <see cref="MidiCorpusFolder.ListFiles"/> does for a folder that is missing or not a plausible corpus.
    /// </summary>
    public static MelodyCorpus Load(string folder, double validationFraction = 0.1, int maxTransposition = 5,
        IProgress<(int Done, int Total)>? progress = null, int windowSteps = MelodyEncoding.WindowSteps)
    {
        var (paths, skipped) = MidiCorpusFolder.Scan(folder, MidiCorpusFolder.MaxFiles, MidiCorpusFolder.MaxEntries);
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
            var heldOut = MidiCorpusFolder.IsHeldOut(Path.GetRelativePath(folder, paths[i]), validationFraction);
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
}
