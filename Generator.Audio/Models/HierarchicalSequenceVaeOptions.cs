using VaeCreative.Core.Models;
using VaeCreative.Core.Validation;

namespace VaeCreative.Audio.Models;

/// <summary>
/// Sizes of a <see cref="HierarchicalSequenceVae"/>. Defaults: MusicVAE's hierdec-mel_16bar shape sized for a 2-core
/// machine and a 20 MB model (16 bars of 16 steps; a BiLSTM 128 per bar, then a BiLSTM 256 over the bars; 2 × LSTM
/// 256 conductor and decoder; z 256).
/// </summary>
public sealed record HierarchicalSequenceVaeOptions
{
    /// <summary>Number of token classes per step. Default 90 (melody encoding). Range 2–100000.</summary>
    public int VocabularySize { get; init; } = 90;

    /// <summary>Subsequences (bars) the conductor emits. Default 16. Range 1–256.</summary>
    public int Segments { get; init; } = 16;

    /// <summary>Steps per subsequence (a 4/4 bar of sixteenths). Default 16. Range 1–1024.</summary>
    public int SegmentLength { get; init; } = 16;

    /// <summary>
    /// Hidden units per direction of the bidirectional LSTM that reads each segment on its own, whose final states
    /// are the segment's summary; the encoder LSTM then reads the summaries. Default 128; 0: no segment encoder, the
    /// encoder LSTM reads the whole sequence (MusicVAE's hierdec). Range 0–8192. Why: through a 256-step LSTM the
    /// gradient reaches the first bars weakly and late, and that flat encoder left a 16-bar model decoding one held
    /// note per bar after an hour on 2 cores; the segment encoder's paths are at most a segment plus the segments long.
    /// </summary>
    public int SegmentEncoderHidden { get; init; } = 128;

    /// <summary>Hidden units per direction of the bidirectional encoder LSTM (over segment summaries, or over the whole sequence when <see cref="SegmentEncoderHidden"/> is 0). Default 256. Range 1–8192.</summary>
    public int EncoderHidden { get; init; } = 256;

    /// <summary>Encoder LSTM layers. Default 1.</summary>
    public int EncoderLayers { get; init; } = 1;

    /// <summary>Hidden units of each conductor LSTM layer. Default 256.</summary>
    public int ConductorHidden { get; init; } = 256;

    /// <summary>Conductor LSTM layers. Default 2.</summary>
    public int ConductorLayers { get; init; } = 2;

    /// <summary>Size of the embedding the conductor gives each subsequence. Default 256.</summary>
    public int EmbeddingSize { get; init; } = 256;

    /// <summary>Hidden units of each bottom decoder LSTM layer. Default 256.</summary>
    public int DecoderHidden { get; init; } = 256;

    /// <summary>Bottom decoder LSTM layers. Default 2.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Size of z. Default 256.</summary>
    public int LatentSize { get; init; } = 256;

    /// <summary>Steps of a whole sequence: <see cref="Segments"/> × <see cref="SegmentLength"/>.</summary>
    public int SequenceLength => Segments * SegmentLength;

    /// <summary>Throws when a size is out of range.</summary>
    public HierarchicalSequenceVaeOptions Validate()
    {
        Preconditions.InRange(VocabularySize, 2, 100_000);
        Preconditions.InRange(Segments, 1, 256);
        Preconditions.InRange(SegmentLength, 1, 1024);
        Preconditions.InRange(SequenceLength, 1, 16_384, "sequence length");
        Preconditions.InRange(SegmentEncoderHidden, 0, 8192);
        Preconditions.InRange(EncoderHidden, 1, 8192);
        Preconditions.InRange(EncoderLayers, 1, 8);
        Preconditions.InRange(ConductorHidden, 1, 8192);
        Preconditions.InRange(ConductorLayers, 1, 8);
        Preconditions.InRange(EmbeddingSize, 1, 8192);
        Preconditions.InRange(DecoderHidden, 1, 8192);
        Preconditions.InRange(DecoderLayers, 1, 8);
        Preconditions.InRange(LatentSize, 1, 8192);
        return this;
    }
}
