using VaeCreative.Core.Validation;
using VaeCreative.Text.Tokenization;

namespace VaeCreative.Text.Models;

/// <summary>
/// Sizes and token ids of a <see cref="SentenceVae"/>, as written to the manifest. The defaults are the bundled
/// <c>text-fortunes</c> model's shape, chosen to train on a 2-core CPU within an hour and to weigh under 20 MB
/// (4.1 M float32 parameters, 16.6 MB; the output layer shares the embedding's weights).
/// </summary>
public sealed record SentenceVaeOptions
{
    /// <summary>Tokens the tokenizer knows (output classes), special tokens included. Default 8000 (<see cref="TextTokenizer.DefaultVocabularySize"/>). Range 8–100000.</summary>
    public int VocabularySize { get; init; } = TextTokenizer.DefaultVocabularySize;

    /// <summary>
    /// Longest token sequence, beginning- and end-of-snippet tokens included (so a snippet holds at most
    /// <c>MaxTokens − 2</c> tokens). Generation decodes this many positions. Default 48. Range 3–1024.
    /// </summary>
    public int MaxTokens { get; init; } = 48;

    /// <summary>Padding id (after the end token; never predicted). Default 0, as <see cref="TextTokenizer"/> assigns. Range [0, VocabularySize).</summary>
    public int PadId { get; init; } = TextTokenizer.PaddingId;

    /// <summary>Beginning-of-snippet id (the decoder's first input; never predicted). Default 2, as <see cref="TextTokenizer"/> assigns. Range [0, VocabularySize).</summary>
    public int BosId { get; init; } = 2;

    /// <summary>End-of-snippet id (predicted last; generation stops there). Default 3, as <see cref="TextTokenizer"/> assigns. Range [0, VocabularySize).</summary>
    public int EosId { get; init; } = 3;

    /// <summary>Size of the token embedding, shared by the encoder, the decoder's input and its output layer. Default 192. Range 1–8192.</summary>
    public int EmbeddingSize { get; init; } = 192;

    /// <summary>Hidden units per direction of the bidirectional encoder. Default 256. Range 1–8192.</summary>
    public int EncoderHidden { get; init; } = 256;

    /// <summary>Hidden units of each decoder layer. Default 512. Range 1–8192.</summary>
    public int DecoderHidden { get; init; } = 512;

    /// <summary>Decoder layers. Default 1. Range 1–8.</summary>
    public int DecoderLayers { get; init; } = 1;

    /// <summary>Size of z. Default 32. Range 1–8192.</summary>
    public int LatentSize { get; init; } = 32;

    /// <summary>
    /// Word dropout (Bowman et al. 2016): during training each decoder input token after the first is replaced by a
    /// mask token with this probability, so the decoder has to lean on z. Default 0.25. Range [0, 1].
    /// </summary>
    public double WordDropout { get; init; } = 0.25;

    /// <summary>
    /// Tokens per latent code of a <see cref="SpanLatentVae"/>: its encoder gives one code of <see cref="LatentSize"/>
    /// per span of this many positions, and the decoder reads the code of the span it is in. Null for a
    /// <see cref="SentenceVae"/> (one code per snippet) and a <see cref="SentenceLm"/>. Range 1–64.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? SpanTokens { get; init; }

    /// <summary>
    /// Hidden units of a <see cref="SpanLatentVae"/>'s learned prior: one tanh layer over the decoder's state before each
    /// span and the token before it gives that span's prior (<see cref="SpanPrior"/>), trained with the model. Null:
    /// N(0, I) for every span, as models before it. Range 1–8192.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? PriorHidden { get; init; }

    /// <summary>
    /// Gaussians in each span's learned prior (<see cref="SpanPrior"/>): 1 is one diagonal Gaussian; more make a mixture
    /// with weights of its own, so the prior can put its mass on several words at once. Null means 1, as models before
    /// it. Needs <see cref="PriorHidden"/>. Range 1–256.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? PriorComponents { get; init; }

    /// <summary>Recurrent cell of the encoder and the decoder. Default <see cref="RecurrentCell.Lstm"/>.</summary>
    public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    /// <summary>Latent codes per row of a <see cref="SpanLatentVae"/>: one per span of the predicted positions (all but the BOS); 1 otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Spans => SpanTokens is { } span ? (MaxTokens - 1 + span - 1) / span : 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) when a setting is out of range.</summary>
    public SentenceVaeOptions Validate()
    {
        Preconditions.InRange(VocabularySize, 8, 100_000);
        Preconditions.InRange(MaxTokens, 3, 1024);
        Preconditions.InRange(PadId, 0, VocabularySize - 1);
        Preconditions.InRange(BosId, 0, VocabularySize - 1);
        Preconditions.InRange(EosId, 0, VocabularySize - 1);
        if (PadId == BosId || PadId == EosId || BosId == EosId)
            throw new ArgumentException($"the padding, beginning and end ids must differ; got {PadId}, {BosId}, {EosId}.");
        Preconditions.InRange(EmbeddingSize, 1, 8192);
        Preconditions.InRange(EncoderHidden, 1, 8192);
        Preconditions.InRange(DecoderHidden, 1, 8192);
        Preconditions.InRange(DecoderLayers, 1, 8);
        Preconditions.InRange(LatentSize, 1, 8192);
        Preconditions.InRange(WordDropout, 0, 1);
        if (SpanTokens is { } span) Preconditions.InRange(span, 1, 64, nameof(SpanTokens));
        if (PriorHidden is { } priorHidden)
        {
            Preconditions.InRange(priorHidden, 1, 8192, nameof(PriorHidden));
            if (SpanTokens is null) throw new ArgumentException("a learned prior (priorHidden) needs span latents (spanTokens).");
        }
        if (PriorComponents is { } components)
        {
            Preconditions.InRange(components, 1, 256, nameof(PriorComponents));
            if (PriorHidden is null) throw new ArgumentException("prior components (priorComponents) need a learned prior (priorHidden).");
        }
        if (!Enum.IsDefined(Cell)) throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "the cell must be lstm or gru.");
        return this;
    }
}
