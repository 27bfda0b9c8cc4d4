namespace VaeCreative.Audio.Melodies;

/// <summary>A time signature that starts at <paramref name="Step"/>.</summary>
/// <param name="Step">First step (sixteenth) of the metre.</param>
/// <param name="TimeSignature">The metre from there on.</param>
public readonly record struct MetreChange(int Step, TimeSignature TimeSignature);
