using VaeCreative.Core.Modalities;

namespace VaeCreative.Text.Generation;

/// <summary>A snippet read and tokenised for a text model: one model row.</summary>
public sealed class TextSeed : PreparedSeed
{
    internal TextSeed(string text, IReadOnlyList<int> tokens, long[] row)
    {
        Text = text;
        Tokens = tokens;
        Row = row;
    }

    /// <inheritdoc />
    public override int Rows => 1;

    /// <summary>The snippet, in NFC.</summary>
    public string Text { get; }

    /// <summary>Its token ids (without the beginning and end tokens).</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>The model row: BOS, tokens, EOS, padded to the model's width.</summary>
    internal long[] Row { get; }
}
