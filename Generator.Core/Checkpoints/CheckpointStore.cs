using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Training;
using static TorchSharp.torch;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// Resumable training state (weights, optimiser moments, step) in <c>DIR/checkpoint/</c>.
/// A checkpoint is written to a fresh temporary folder, flushed, and swapped in by renames; at every moment
/// of a save either <c>checkpoint/</c> or <c>checkpoint.previous/</c> holds a complete checkpoint, so a crash
/// or power cut mid-save loses at most the checkpoint being written.
/// </summary>
public sealed class CheckpointStore
{
    private const string StateFile = "state.json";
    private const string WeightsFile = "model.weights";
    private const string OptimizerFile = "optimizer.state";

    /// <summary>Creates a store under <paramref name="modelDirectory"/>.</summary>
    public CheckpointStore(string modelDirectory)
    {
        Directory = Path.Combine(Path.GetFullPath(modelDirectory), "checkpoint");
    }

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; }

    private string Previous => Directory + ".previous";

    private string Parent => Path.GetDirectoryName(Directory)!;

    /// <summary>True when a checkpoint (or the previous one of an interrupted swap) exists.</summary>
    public bool Exists => IsComplete(Directory) || IsComplete(Previous);

    /// <summary>Saves the model and optimiser state at <paramref name="step"/>, with that step's figures.</summary>
    public void Save(nn.Module model, OptimizerHelper optimizer, long step, TrainingProgress? last = null)
    {
        System.IO.Directory.CreateDirectory(Parent);
        var fresh = AtomicFile.TemporaryPath(Directory);
        System.IO.Directory.CreateDirectory(fresh);
        try
        {
            model.save(Path.Combine(fresh, WeightsFile));
            optimizer.save_state_dict(Path.Combine(fresh, OptimizerFile));
            File.WriteAllText(Path.Combine(fresh, StateFile), JsonSerializer.Serialize(new CheckpointState(step, DateTime.UtcNow, last)));
            CrashPoint.Reached("checkpoint:written");
            FileSync.FilesAndDirectory(fresh);

            // Keep the current checkpoint as the previous one until the fresh one is in place. A checkpoint/
            // without state.json is debris (never produced by this swap): drop it, keep the previous.
            if (IsComplete(Directory))
            {
                Retire(Previous);
                System.IO.Directory.Move(Directory, Previous);
                CrashPoint.Reached("checkpoint:kept-previous");
            }
            else Retire(Directory);
            System.IO.Directory.Move(fresh, Directory);
            FileSync.Directory(Parent);
            CrashPoint.Reached("checkpoint:swapped");
            Retire(Previous);
        }
        finally
        {
            if (System.IO.Directory.Exists(fresh)) System.IO.Directory.Delete(fresh, true);
        }
    }

    /// <summary>Loads the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns its state, or null when there is none.</summary>
    public CheckpointState? Restore(nn.Module model, OptimizerHelper optimizer)
    {
        var folder = IsComplete(Directory) ? Directory : IsComplete(Previous) ? Previous : null;
        if (folder is null) return null;
        try
        {
            var state = ReadState(folder) ?? throw new CheckpointException($"the checkpoint in {folder} is damaged: {StateFile} is empty; delete it to start over.");
            model.load(Path.Combine(folder, WeightsFile));
            LoadOptimizer(optimizer, Path.Combine(folder, OptimizerFile));
            return state;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"the checkpoint in {folder} cannot be read ({e.Message.Split('\n')[0]}); delete it to start over.", e);
        }
    }

    /// <summary>The step of the latest checkpoint, or null.</summary>
    public long? LatestStep()
    {
        foreach (var folder in new[] { Directory, Previous })
        {
            if (!IsComplete(folder)) continue;
            try { return ReadState(folder)?.Step; }
            catch (JsonException) { return null; }
        }
        return null;
    }

    /// <summary>Removes the checkpoint (and a previous one), e.g. before a run starts over.</summary>
    public void Delete()
    {
        Retire(Directory);
        Retire(Previous);
    }

    /// <summary>
    /// Loads optimiser state. TorchSharp tags the state with the optimiser's class name and refuses another name,
    /// so checkpoints written with TorchSharp's <c>Adam</c> (before <see cref="AdamOptimizer"/>, which keeps Adam's
    /// state format) would not load: a state tagged with a base class of <paramref name="optimizer"/> is retagged.
    /// </summary>
    private static void LoadOptimizer(OptimizerHelper optimizer, string path)
    {
        var expected = optimizer.GetType().Name;
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file);
        var stored = reader.ReadString();
        var isBase = false;
        for (var type = optimizer.GetType().BaseType; type is not null && !isBase; type = type.BaseType) isBase = type.Name == stored;
        if (stored == expected || !isBase)
        {
            file.Position = 0;
            optimizer.load_state_dict(reader); // TorchSharp checks the name and says what it found
            return;
        }
        using var retagged = new MemoryStream();
        using (var writer = new BinaryWriter(retagged, System.Text.Encoding.UTF8, leaveOpen: true)) writer.Write(expected);
        file.CopyTo(retagged);
        retagged.Position = 0;
        using var retaggedReader = new BinaryReader(retagged);
        optimizer.load_state_dict(retaggedReader);
    }

    private static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, StateFile));

    private static CheckpointState? ReadState(string folder) =>
        JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, StateFile)));

    /// <summary>Renames <paramref name="folder"/> to a temporary name and deletes it there, so no half-deleted folder keeps a real name.</summary>
    private void Retire(string folder)
    {
        if (!System.IO.Directory.Exists(folder)) return;
        var doomed = AtomicFile.TemporaryPath(folder);
        System.IO.Directory.Move(folder, doomed);
        FileSync.Directory(Parent);
        System.IO.Directory.Delete(doomed, true);
    }
}
