using SkiaSharp;

namespace VaeCreative.Audio.Rendering;

/// <summary>
/// The piano roll's colours. The seed is a muted, translucent blue box drawn first and the variation a saturated
/// orange bar drawn on top, thinner than the box, so where the two play the same note the blue frame still shows
/// around the orange.
/// </summary>
internal static class PianoRollPalette
{
    public static readonly SKColor Background = new(0xFF, 0xFF, 0xFF);

    /// <summary>Rows of the black keys, so a pitch can be followed across the picture.</summary>
    public static readonly SKColor BlackKeyRow = new(0xF0, 0xF2, 0xF5);

    /// <summary>The line under each C row (where the octave starts).</summary>
    public static readonly SKColor OctaveLine = new(0xC8, 0xCD, 0xD5);

    public static readonly SKColor BarLine = new(0x80, 0x88, 0x92);

    /// <summary>Note names in the gutter and the legend's words.</summary>
    public static readonly SKColor Text = new(0x3A, 0x40, 0x4A);

    /// <summary>Inside of a seed note: translucent, so rows and bar lines show through.</summary>
    public static readonly SKColor SeedFill = new(0x46, 0x6E, 0xC8, 0x60);

    public static readonly SKColor SeedOutline = new(0x34, 0x5C, 0xB2, 0xE0);

    public static readonly SKColor Variation = new(0xF5, 0x7C, 0x00);
}
