namespace VaeCreative.Core.Training;

/// <summary>The training data of a run could not be used (no files, no melodies, nothing left for training).</summary>
public sealed class TrainingDataException(string message) : Exception(message);
