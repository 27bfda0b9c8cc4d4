namespace VaeCreative.Core.Checkpoints;

/// <summary>A checkpoint is missing, damaged or does not fit the run.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
