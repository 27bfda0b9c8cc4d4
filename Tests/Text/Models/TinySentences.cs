using TorchSharp;
using VaeCreative.Text.Models;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Text.Models;

/// <summary>A tiny sentence-model shape, token rows in its layout, and both model kinds built from it (seeded).</summary>
public static class TinySentences
{
    public const int Pad = 0, Bos = 1, Eos = 2, Width = 12;

    public static readonly SentenceVaeOptions Options = new()
    {
        VocabularySize = 30,
        MaxTokens = Width,
        PadId = Pad,
        BosId = Bos,
        EosId = Eos,
        EmbeddingSize = 8,
        EncoderHidden = 8,
        DecoderHidden = 16,
        LatentSize = 4,
        WordDropout = 0,
    };

    public static readonly int[] Short = [5, 6, 7];
    public static readonly int[] Long = [9, 8, 7, 6, 5, 4, 3, 10];

    /// <summary>A <see cref="SentenceVae"/> or (<paramref name="languageModel"/>) a <see cref="SentenceLm"/> in eval mode.</summary>
    public static ISentenceModel Model(bool languageModel, SentenceVaeOptions? options = null, long seed = 0)
    {
        var o = options ?? Options;
        // Initialised from its own generator: other test classes seed torch's global RNG concurrently.
        ISentenceModel model = languageModel
            ? new SentenceLm(o with { LatentSize = 1 }, new Generator((ulong)seed))
            : new SentenceVae(o, new Generator((ulong)seed));
        model.Module.eval();
        return model;
    }

    /// <summary>Rows BOS, tokens…, EOS, padded with PAD to <paramref name="width"/>.</summary>
    public static Tensor Rows(int width, params int[][] tokens)
    {
        var data = new long[tokens.Length * width];
        for (var r = 0; r < tokens.Length; r++)
        {
            data[r * width] = Bos;
            for (var i = 0; i < tokens[r].Length; i++) data[r * width + i + 1] = tokens[r][i];
            data[r * width + tokens[r].Length + 1] = Eos;
        }
        return tensor(data, new long[] { tokens.Length, width });
    }
}
