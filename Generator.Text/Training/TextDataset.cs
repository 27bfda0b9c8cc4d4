using VaeCreative.Core.Training;
using VaeCreative.Text.Models;
using VaeCreative.Text.Tokenization;
using static TorchSharp.torch;

namespace VaeCreative.Text.Training;

/// <summary>
/// Tokenised snippets as <see cref="SentenceVae"/> input: each row <c>BOS, tokens…, EOS</c>, padded with PAD.
/// Training batches (those given an augmentation source) are as wide as their longest row, so short batches cost
/// less; evaluation batches are <see cref="SentenceVaeOptions.MaxTokens"/> wide, the width of
/// <see cref="SentenceVae.Generate"/>'s rows, because the trainer's evaluation compares decoded rows with the batch
/// position by position.
/// </summary>
public sealed class TextDataset : ITrainingData
{
    private readonly long[][] rows;
    private readonly int padId;
    private readonly int maxTokens;

    private TextDataset(long[][] rows, int skipped, int padId, int maxTokens)
    {
        this.rows = rows;
        Skipped = skipped;
        this.padId = padId;
        this.maxTokens = maxTokens;
    }

    /// <inheritdoc />
    public int Count => rows.Length;

    /// <summary>Snippets left out because they have more than <c>MaxTokens − 2</c> tokens.</summary>
    public int Skipped { get; }

    /// <summary>Real tokens of all rows (their tokens and EOS: what the model predicts).</summary>
    public long Targets => rows.Sum(r => (long)r.Length - 1);

    /// <summary>
    /// Tokenises <paramref name="snippets"/> with <paramref name="tokenizer"/> for a model of <paramref name="options"/>
    /// (whose ids must be the tokenizer's). Snippets longer than the model takes are left out and counted in
    /// <see cref="Skipped"/>: cutting one would teach the model an ending that is not there.
    /// </summary>
    public static TextDataset Encode(IEnumerable<string> snippets, TextTokenizer tokenizer, SentenceVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(snippets);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabularySize != options.VocabularySize || tokenizer.PadId != options.PadId
            || tokenizer.BosId != options.BosId || tokenizer.EosId != options.EosId)
            throw new ArgumentException("the model's vocabulary and special ids are not the tokenizer's.", nameof(options));
        var rows = new List<long[]>();
        var skipped = 0;
        foreach (var snippet in snippets)
        {
            var ids = tokenizer.Encode(snippet);
            if (ids.Count > options.MaxTokens - 2)
            {
                skipped++;
                continue;
            }
            rows.Add(Row(ids, options));
        }
        return new TextDataset(rows.ToArray(), skipped, options.PadId, options.MaxTokens);
    }

    /// <summary><c>BOS, ids…, EOS</c> (no padding).</summary>
    internal static long[] Row(IReadOnlyList<int> ids, SentenceVaeOptions options)
    {
        var row = new long[ids.Count + 2];
        row[0] = options.BosId;
        for (var i = 0; i < ids.Count; i++) row[i + 1] = ids[i];
        row[^1] = options.EosId;
        return row;
    }

    /// <inheritdoc />
    public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var width = augmentation is null ? maxTokens : indices.Max(i => rows[i].Length);
        var data = new long[indices.Count * width];
        if (padId != 0) Array.Fill(data, padId);
        for (var k = 0; k < indices.Count; k++)
            rows[indices[k]].CopyTo(data, k * width);
        return tensor(data, new long[] { indices.Count, width });
    }
}
