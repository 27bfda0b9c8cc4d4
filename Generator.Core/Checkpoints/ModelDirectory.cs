using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Runtime;

namespace VaeCreative.Core.Checkpoints;

/// <summary>
/// A trained model on disk: <c>manifest.json</c> plus a weights file. Writing is atomic per file and the
/// manifest (which names the weights' hash) goes last, so a reader never pairs a manifest with the wrong weights.
/// </summary>
public static class ModelDirectory
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>The settings of the training run that writes (or wrote) the directory; present from the run's start.</summary>
    public const string RunFile = "run.json";

    /// <summary>
    /// True when <paramref name="directory"/> holds a training run (settings or a checkpoint), finished or not.
    /// Without a valid manifest it is an unfinished run that <c>train --resume</c> completes.
    /// </summary>
    public static bool HoldsTrainingRun(string directory) =>
        File.Exists(Path.Combine(directory, RunFile)) || new CheckpointStore(directory).Exists;

    /// <summary>What to tell a user about a directory that holds an unfinished training run.</summary>
    public static string UnfinishedRunHint(string directory)
    {
        var step = new CheckpointStore(directory).LatestStep();
        var at = step is null ? "no checkpoint yet" : $"checkpoint at step {step}";
        return $"'{directory}' holds an unfinished training run ({at}); run `vaecreative train --out {directory} --resume` to finish it.";
    }

    /// <summary>Writes <paramref name="model"/> and its manifest into <paramref name="directory"/>.</summary>
    public static ModelManifest Save(string directory, IVaeModel model, ModelManifest manifest)
    {
        Directory.CreateDirectory(directory);
        var weightsPath = Path.Combine(directory, manifest.WeightsFile);
        AtomicFile.Write(weightsPath, temp => model.Module.save(temp));
        var written = manifest with
        {
            WeightsSha256 = Sha256(weightsPath),
            Parameters = model.Module.parameters().Sum(p => p.numel()),
            Versions = new Dictionary<string, string>(manifest.Versions)
            {
                ["vaecreative"] = typeof(ModelDirectory).Assembly.GetName().Version?.ToString(3) ?? "unknown",
                ["torchsharp"] = TorchRuntime.TorchSharpVersion,
                ["dotnet"] = Environment.Version.ToString(),
            },
        };
        AtomicFile.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(written, ModelManifest.JsonOptions));
        return written;
    }

    /// <summary>Reads and checks the manifest of <paramref name="directory"/>.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="expectedModality">When set, a manifest of another modality is an error.</param>
    public static ModelManifest ReadManifest(string directory, string? expectedModality = null)
    {
        if (!Directory.Exists(directory))
            throw new ModelLoadException($"model directory '{directory}' does not exist.");
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
            throw new ModelLoadException(HoldsTrainingRun(directory)
                ? $"{UnfinishedRunHint(directory)} It has no {ManifestFile} yet."
                : $"'{directory}' is not a model directory: it has no {ManifestFile}.");
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), ModelManifest.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"the manifest of '{directory}' is damaged: {e.Message.Split('\n')[0]}", e);
        }
        if (manifest is null || manifest.Format != ModelManifest.FormatTag)
            throw new ModelLoadException($"'{path}' is not a VaeCreative model manifest.");
        if (manifest.FormatVersion > ModelManifest.CurrentFormatVersion)
            throw new ModelLoadException($"the model in '{directory}' has manifest version {manifest.FormatVersion}; this build reads up to {ModelManifest.CurrentFormatVersion}. Update VaeCreative.");
        if (expectedModality is not null && !string.Equals(manifest.Modality, expectedModality, StringComparison.Ordinal))
            throw new ModelLoadException($"the model in '{directory}' is a {manifest.Modality} model; this needs a {expectedModality} model.");
        return manifest;
    }

    /// <summary>Loads the model in <paramref name="directory"/> onto <paramref name="device"/>, in eval mode.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="device">Where the weights go.</param>
    /// <param name="kinds">Model kinds that can be built (the modalities' registrations add them).</param>
    /// <param name="expectedModality">When set, a manifest of another modality is an error.</param>
    public static (IVaeModel Model, ModelManifest Manifest) Load(string directory, torch.Device device, ModelKindRegistry kinds, string? expectedModality = null)
    {
        var manifest = ReadManifest(directory, expectedModality);
        var weights = Path.Combine(directory, manifest.WeightsFile);
        if (!File.Exists(weights) || !string.Equals(Sha256(weights), manifest.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            // A training run killed between writing its weights and its manifest leaves exactly this: say how to finish it.
            var problem = File.Exists(weights) ? $"{manifest.WeightsFile} does not match the SHA-256 in {ManifestFile}" : $"{manifest.WeightsFile} is missing";
            throw new ModelLoadException(HoldsTrainingRun(directory) && new CheckpointStore(directory).Exists
                ? $"{UnfinishedRunHint(directory)} ({problem}.)"
                : File.Exists(weights)
                    ? $"the weights in '{directory}' are damaged: {problem}."
                    : $"the model in '{directory}' is incomplete: {problem}.");
        }
        IVaeModel model;
        try
        {
            // The constructors draw initial weights (overwritten just below) from the global generator: under its gate,
            // so that loading never changes the weights a seeded build on another thread gets.
            lock (Runtime.TorchRuntime.GlobalGeneratorGate) model = kinds.Create(manifest.ModelKind, manifest.Model);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new ModelLoadException($"the model settings in '{directory}' are invalid: {e.Message}", e);
        }
        try
        {
            model.Module.load(weights);
        }
        catch (Exception e)
        {
            model.Dispose();
            throw new ModelLoadException($"the weights in '{directory}' do not fit a {manifest.ModelKind} of the manifest's sizes: {e.Message.Split('\n')[0]}", e);
        }
        model.Module.to(device);
        model.Module.eval();
        return (model, manifest);
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
