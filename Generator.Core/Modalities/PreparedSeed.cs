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

    /// <summary>
    /// Pixels of one output drawn from this seed: an image's width × height (outputs come back at the seed's size);
    /// 0 for material without pixels. A host bounds a request's outputs × this before any work (<c>serve --max-output-pixels</c>).
    /// </summary>
    public virtual long OutputPixels => 0;

    /// <summary>
    /// Most bytes one output drawn from (or interpolated from) this seed takes, encoded as the modality writes it (a PNG
    /// at the seed's size, a MIDI file of the seed's length, UTF-8 text): an upper bound known before any work, which a
    /// host checks a request's answer against before it starts (<c>serve --max-response-bytes</c>).
    /// </summary>
    public abstract long MaxOutputBytes { get; }
}
