namespace VaeCreative.Core.Modalities;

/// <summary>A modality name this build does not know.</summary>
public sealed class UnknownModalityException(string message) : ArgumentException(message);
