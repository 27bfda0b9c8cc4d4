namespace VaeCreative.Core.Training;

/// <summary>Training curves cannot be drawn: the metrics log is missing, empty or unreadable, or no font can write the labels.</summary>
public sealed class TrainingCurvesException(string message) : Exception(message);
