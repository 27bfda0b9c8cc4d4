namespace VaeCreative.Core.Training;

/// <summary>A training run's metrics log is missing, empty or unreadable.</summary>
public sealed class MetricsLogException(string message) : Exception(message);
