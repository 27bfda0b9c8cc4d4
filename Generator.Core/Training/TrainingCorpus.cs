using System.Text.Json.Nodes;

namespace VaeCreative.Core.Training;

/// <summary>A modality's training data as read from disk, before it is turned into tensors.</summary>
public abstract class TrainingCorpus
{
    /// <summary>Full path of the file or folder read.</summary>
    public string Source { get; protected init; } = "";

    /// <summary>One line for the log: what was read and how it was split.</summary>
    public abstract string Summary { get; }

    /// <summary>The manifest's <c>training.data</c> object (counts, files held out, augmentation).</summary>
    public abstract JsonObject Describe();
}
