using VaeCreative.Core.Training;

namespace VaeCreative.Core.Checkpoints;

/// <summary><c>state.json</c> of a checkpoint: where training stood when it was written.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="SavedUtc">When it was written.</param>
/// <param name="Last">
/// The figures of step <paramref name="Step"/>, so a run whose last checkpoint is its final step can be finished
/// without training again; null in checkpoints written before version 0.1 kept them.
/// </param>
public sealed record CheckpointState(long Step, DateTime SavedUtc, TrainingProgress? Last = null);
