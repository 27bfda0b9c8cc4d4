namespace VaeCreative.Core.Augmentation;

/// <summary>
/// A folder augmentation that cannot start: the seed folder is missing, or the output folder holds files it did not
/// write or the outputs of other settings. The message says what to do instead.
/// </summary>
public sealed class AugmentationException(string message) : Exception(message);
