namespace VaeCreative.Core.Modalities;

/// <summary>
/// Seed material read and checked by a modality, ready for its generator (a melody cut into windows, a snippet
/// tokenised). Made on the request thread, so bad material is refused before it reaches the model's queue.
/// </summary>
public abstract class PreparedSeed
{
    /// <summary>Model rows one output of this seed takes (a long melody spans several windows; a snippet is one row).</summary>
    public abstract int Rows { get; }

    /// <summary>What <see cref="Rows"/> counts, in the modality's words (e.g. <c>120 bars in 60 model windows</c>), for limit messages.</summary>
    public virtual string Extent => $"{Rows} model row{(Rows == 1 ? "" : "s")}";
}
