namespace VaeCreative.Audio.Melodies;

/// <summary>A tempo that starts at <paramref name="Step"/>.</summary>
/// <param name="Step">First step (sixteenth) of the tempo.</param>
/// <param name="QuarterNotesPerMinute">The tempo from there on.</param>
public readonly record struct TempoChange(int Step, double QuarterNotesPerMinute);
