using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// Resumable training state (weights, optimiser moments, step) in <c>DIR/checkpoint/</c>.
/// A checkpoint is written to a fresh folder and swapped in by rename, so a crash mid-write leaves
/// the previous checkpoint intact.
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

    /// <summary>True when a checkpoint (or the previous one of an interrupted swap) exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, StateFile)) || File.Exists(Path.Combine(Previous, StateFile));

    /// <summary>Saves the model and optimiser state at <paramref name="step"/>.</summary>
    public void Save(nn.Module model, OptimizerHelper optimizer, long step)
    {
        var parent = Path.GetDirectoryName(Directory)!;
        System.IO.Directory.CreateDirectory(parent);
        var fresh = Path.Combine(parent, $".checkpoint.{Guid.NewGuid():N}.tmp");
        System.IO.Directory.CreateDirectory(fresh);
        try
        {
            model.save(Path.Combine(fresh, WeightsFile));
            optimizer.save_state_dict(Path.Combine(fresh, OptimizerFile));
            File.WriteAllText(Path.Combine(fresh, StateFile), JsonSerializer.Serialize(new CheckpointState(step, DateTime.UtcNow)));

            if (System.IO.Directory.Exists(Previous)) System.IO.Directory.Delete(Previous, true);
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Move(Directory, Previous);
            System.IO.Directory.Move(fresh, Directory);
            if (System.IO.Directory.Exists(Previous)) System.IO.Directory.Delete(Previous, true);
        }
        finally
        {
            if (System.IO.Directory.Exists(fresh)) System.IO.Directory.Delete(fresh, true);
        }
    }

    /// <summary>Loads the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns its step, or null when there is none.</summary>
    public long? Restore(nn.Module model, OptimizerHelper optimizer)
    {
        var folder = File.Exists(Path.Combine(Directory, StateFile)) ? Directory
            : File.Exists(Path.Combine(Previous, StateFile)) ? Previous
            : null;
        if (folder is null) return null;
        try
        {
            var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, StateFile)))
                        ?? throw new CheckpointException("state.json is empty");
            model.load(Path.Combine(folder, WeightsFile));
            optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
            return state.Step;
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
            var path = Path.Combine(folder, StateFile);
            if (!File.Exists(path)) continue;
            try { return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path))?.Step; }
            catch (JsonException) { return null; }
        }
        return null;
    }

    private sealed record CheckpointState(long Step, DateTime SavedUtc);
}
