namespace VaeCreative.Host.Training;

/// <summary>Training curves cannot be drawn here: no drawing surface, or no font to write the labels with.</summary>
public sealed class TrainingCurvesException(string message) : Exception(message);
