namespace VaeCreative.Core.Checkpoints;

/// <summary>A model directory is missing, damaged, of another modality, or from an incompatible version.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
