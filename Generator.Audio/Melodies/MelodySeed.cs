using VaeCreative.Core.Modalities;

namespace VaeCreative.Audio.Melodies;

/// <summary>A seed melody read and checked, with its 2-bar windows.</summary>
public sealed class MelodySeed : PreparedSeed
{
    /// <summary>Wraps <paramref name="melody"/>.</summary>
    public MelodySeed(Melody melody)
    {
        Melody = melody;
        Windows = MelodyWindows.Chunks(melody);
    }

    /// <summary>The melody.</summary>
    public Melody Melody { get; }

    /// <summary>Its windows.</summary>
    public int[][] Windows { get; }

    /// <inheritdoc />
    public override int Rows => Windows.Length;
}
