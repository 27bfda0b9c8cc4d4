namespace VaeCreative.Audio.Melodies;

/// <summary>Steps <paramref name="Start"/> to <paramref name="Start"/> + <paramref name="Length"/> of a melody, which one model window holds.</summary>
/// <param name="Start">First step.</param>
/// <param name="Length">Steps (at most <see cref="MelodyEncoding.WindowSteps"/>).</param>
public readonly record struct WindowSpan(int Start, int Length)
{
    /// <summary>The step after the span.</summary>
    public int End => Start + Length;
}
