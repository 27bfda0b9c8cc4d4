using System.Text.Json;
using System.Text.Json.Nodes;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Text.Models;
using VaeCreative.Text.Tokenization;

namespace VaeCreative.Text.Training;

/// <summary>
/// The <c>encoding</c> object of a text model's manifest: which tokenizer file turns text into the model's ids (and
/// its SHA-256, so a swapped file is caught before it produces nonsense), the ids the model was built with, and the
/// normalisation applied to text.
/// </summary>
public sealed record TextEncoding
{
    /// <summary>The only normalisation this build applies (Unicode NFC, see <see cref="TextTokenizer.Encode"/>).</summary>
    public const string Nfc = "NFC";

    /// <summary>Tokenizer file in the model directory (a file name, no folders).</summary>
    public string Tokenizer { get; init; } = TextTokenizer.FileName;

    /// <summary>Lower-case hex SHA-256 of the tokenizer file.</summary>
    public string TokenizerSha256 { get; init; } = "";

    /// <summary>The tokenizer's vocabulary size (the model's output classes).</summary>
    public int VocabularySize { get; init; }

    /// <summary>Padding id.</summary>
    public int PadId { get; init; }

    /// <summary>Beginning-of-snippet id.</summary>
    public int BosId { get; init; }

    /// <summary>End-of-snippet id.</summary>
    public int EosId { get; init; }

    /// <summary>Longest row, BOS and EOS included.</summary>
    public int MaxTokens { get; init; }

    /// <summary>Text normalisation before tokenising: <see cref="Nfc"/>.</summary>
    public string Normalization { get; init; } = Nfc;

    /// <summary>The encoding of a model of <paramref name="options"/> whose tokenizer is the file at <paramref name="tokenizerPath"/>.</summary>
    public static TextEncoding Describe(string tokenizerPath, SentenceVaeOptions options) => new()
    {
        Tokenizer = Path.GetFileName(tokenizerPath),
        TokenizerSha256 = ModelDirectory.Sha256(tokenizerPath),
        VocabularySize = options.VocabularySize,
        PadId = options.PadId,
        BosId = options.BosId,
        EosId = options.EosId,
        MaxTokens = options.MaxTokens,
    };

    /// <summary>As a manifest object.</summary>
    public JsonObject ToJsonObject() => ModelManifest.ToJsonObject(this);

    /// <summary>
    /// Reads the encoding of the text model in <paramref name="directory"/> and loads its tokenizer, checking both
    /// against the model's <paramref name="options"/>. Throws <see cref="ModelLoadException"/> naming what does not fit.
    /// </summary>
    public static TextTokenizer LoadTokenizer(ModelManifest manifest, string directory, SentenceVaeOptions options)
    {
        TextEncoding encoding;
        try
        {
            encoding = ModelManifest.FromJsonObject<TextEncoding>(manifest.Encoding);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"the text encoding in the manifest of '{directory}' is damaged: {e.Message.Split('\n')[0]}", e);
        }
        if (encoding.Normalization != Nfc)
            throw new ModelLoadException($"the text model in '{directory}' normalises text as '{encoding.Normalization}'; this build applies {Nfc}.");
        if (string.IsNullOrEmpty(encoding.Tokenizer) || Path.GetFileName(encoding.Tokenizer) != encoding.Tokenizer || encoding.Tokenizer is "." or "..")
            throw new ModelLoadException($"the manifest of '{directory}' names the tokenizer '{encoding.Tokenizer}'; it must be a file in the model directory.");
        if (encoding.VocabularySize != options.VocabularySize || encoding.PadId != options.PadId || encoding.BosId != options.BosId
            || encoding.EosId != options.EosId || encoding.MaxTokens != options.MaxTokens)
            throw new ModelLoadException($"the text model in '{directory}' is inconsistent: its encoding and its model settings disagree on the vocabulary, special ids or length.");
        var path = Path.Combine(directory, encoding.Tokenizer);
        if (!File.Exists(path))
            throw new ModelLoadException($"the text model in '{directory}' is incomplete: {encoding.Tokenizer} is missing.");
        var sha = ModelDirectory.Sha256(path);
        if (!string.Equals(sha, encoding.TokenizerSha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelLoadException($"the tokenizer in '{directory}' is damaged or replaced: {encoding.Tokenizer} does not match the SHA-256 in {ModelDirectory.ManifestFile}.");
        var tokenizer = TextTokenizer.Load(path);
        if (tokenizer.VocabularySize != options.VocabularySize || tokenizer.PadId != options.PadId
            || tokenizer.BosId != options.BosId || tokenizer.EosId != options.EosId)
            throw new ModelLoadException($"the tokenizer in '{directory}' does not fit its model ({tokenizer.VocabularySize} pieces; the model has {options.VocabularySize} classes).");
        return tokenizer;
    }
}
