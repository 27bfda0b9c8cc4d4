using VaeCreative.Core.Models;
using VaeCreative.Core.Validation;

namespace VaeCreative.Audio.Models;

/// <summary>
/// Sizes of a <see cref="SequenceVae"/>. Defaults follow MusicVAE's cat-mel_2bar_small
/// (BiLSTM 512 encoder, 2 × LSTM 256 decoder, z 256).
/// </summary>
public sealed record SequenceVaeOptions
{
    /// <summary>Number of token classes per step. Default 90 (melody encoding). Range 2–100000.</summary>
    public int VocabularySize { get; init; } = 90;

    /// <summary>Steps per sequence. Default 32 (two 4/4 bars at 4 steps per quarter). Range 1–4096.</summary>
    public int SequenceLength { get; init; } = 32;

    /// <summary>Hidden units per direction of the bidirectional encoder LSTM. Default 512.</summary>
    public int EncoderHidden { get; init; } = 512;

    /// <summary>Encoder LSTM layers. Default 1.</summary>
    public int EncoderLayers { get; init; } = 1;

    /// <summary>Hidden units of each decoder LSTM layer. Default 256.</summary>
    public int DecoderHidden { get; init; } = 256;

    /// <summary>Decoder LSTM layers. Default 2.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Size of z. Default 256.</summary>
    public int LatentSize { get; init; } = 256;

    /// <summary>Throws when a size is out of range.</summary>
    public SequenceVaeOptions Validate()
    {
        Preconditions.InRange(VocabularySize, 2, 100_000);
        Preconditions.InRange(SequenceLength, 1, 4096);
        Preconditions.InRange(EncoderHidden, 1, 8192);
        Preconditions.InRange(EncoderLayers, 1, 8);
        Preconditions.InRange(DecoderHidden, 1, 8192);
        Preconditions.InRange(DecoderLayers, 1, 8);
        Preconditions.InRange(LatentSize, 1, 8192);
        return this;
    }
}
