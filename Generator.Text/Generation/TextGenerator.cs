using System.Globalization;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Core.Variation;
using VaeCreative.Text.Corpus;
using VaeCreative.Text.Models;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Unicode;
using static TorchSharp.torch;

namespace VaeCreative.Text.Generation;

/// <summary>
/// Text variations, interpolations (Bowman et al.'s homotopies) and samples on one loaded <see cref="SentenceVae"/>:
/// tokenises seeds, runs the modality-free <see cref="VariationEngine"/> (one engine call per batch of requests) and
/// decodes its rows back to text. Outputs are <c>text/plain</c> material with a <c>tokens</c> property. A language
/// model (<see cref="SentenceLm"/>) only samples: it has no latent space to vary or interpolate in.
/// </summary>
public sealed class TextGenerator : IMaterialGenerator, ITrainingCopyCheck
{
    /// <summary>Property of an output: the number of tokens the model generated for it.</summary>
    public const string TokensProperty = "tokens";

    private readonly SentenceVaeOptions options;
    private readonly bool usesLatent;
    private readonly Lazy<HashSet<string>?> trainingSnippets;

    /// <summary>Generation on <paramref name="model"/> (an <see cref="ISentenceModel"/>) with its <paramref name="tokenizer"/>.</summary>
    public TextGenerator(LoadedModel model, TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var sentence = model.Model as ISentenceModel
            ?? throw new ModelLoadException($"the text model in '{model.Directory}' is a {model.Model.Kind}; text needs a {SpanLatentVae.KindName}, a {SentenceVae.KindName} or a {SentenceLm.KindName}.");
        options = sentence.Settings;
        usesLatent = sentence.UsesLatent;
        if (tokenizer.VocabularySize != options.VocabularySize || tokenizer.PadId != options.PadId
            || tokenizer.BosId != options.BosId || tokenizer.EosId != options.EosId)
            throw new ModelLoadException($"the tokenizer does not fit the text model in '{model.Directory}'.");
        Model = model;
        Tokenizer = tokenizer;
        longestPieceBytes = new(() => Enumerable.Range(0, tokenizer.VocabularySize).Max(id => (long)System.Text.Encoding.UTF8.GetByteCount(tokenizer.Piece(id))));
        trainingSnippets = new Lazy<HashSet<string>?>(ReadTrainingSnippets);
    }

    /// <summary>UTF-8 bytes of the tokenizer's longest piece (computed once): the most text one output token can add.</summary>
    private long LongestPieceBytes => longestPieceBytes.Value;

    private readonly Lazy<long> longestPieceBytes;

    /// <inheritdoc />
    public LoadedModel Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Most tokens of a seed piece (the model's width less the beginning and end tokens).</summary>
    public int MaxSeedTokens => options.MaxTokens - 2;

    /// <summary>Most pieces a seed is cut into (each at most <see cref="MaxSeedTokens"/> tokens).</summary>
    public const int MaxSeedPieces = 64;

    /// <inheritdoc />
    /// <remarks>
    /// A seed over <see cref="MaxSeedTokens"/> is cut into pieces at sentence ends, then at white space
    /// (<see cref="SnippetSplitter"/>, measured in tokens), and each piece is varied on its own: text in scripts the
    /// tokenizer saw little of takes several tokens per character, and must still be varied. A seed of more than
    /// <see cref="MaxSeedPieces"/> pieces is refused (<see cref="MaterialException.OverLimit"/>). A language model takes
    /// no seeds (seeds are only varied or interpolated): <see cref="MaterialException"/>.
    /// </remarks>
    public PreparedSeed Prepare(Material material, string field)
    {
        ArgumentNullException.ThrowIfNull(material);
        RequireLatentSpace();
        if (!material.IsText)
            throw new TextReadException($"a text model takes text; '{field}' is {material.MediaType}.");
        var text = SnippetText.Check(material.Text!, field);
        var tokens = Tokenizer.Encode(text);
        IReadOnlyList<string> pieces = [text.Trim()];
        IReadOnlyList<string> separators = [];
        IReadOnlyList<IReadOnlyList<int>> pieceTokens = [tokens];
        if (tokens.Count > MaxSeedTokens)
        {
            var ranges = SnippetSplitter.Cut(text, MaxSeedTokens, s => Tokenizer.Encode(s).Count);
            if (ranges.Count > MaxSeedPieces)
                throw new TextReadException(
                    $"'{field}' is {tokens.Count:N0} tokens long and would be varied in {ranges.Count:N0} pieces of at most {MaxSeedTokens} tokens; this model takes at most {MaxSeedPieces} pieces (shorten it).",
                    overLimit: true);
            pieces = ranges.Select(r => text[r]).ToList();
            separators = ranges.Skip(1).Select((r, k) => text[ranges[k].End..r.Start]).ToList();
            pieceTokens = pieces.Select(p => Tokenizer.Encode(p)).ToList();
            if (pieceTokens.FirstOrDefault(t => t.Count > MaxSeedTokens) is { } over)
                throw new TextReadException(
                    $"'{field}' has a character of {over.Count} tokens; this model takes pieces of at most {MaxSeedTokens} tokens.", overLimit: true);
        }
        var rows = new long[pieces.Count * options.MaxTokens];
        if (options.PadId != 0) Array.Fill(rows, (long)options.PadId);
        for (var k = 0; k < pieces.Count; k++)
            Training.TextDataset.Row(pieceTokens[k], options).CopyTo(rows, k * options.MaxTokens);
        var separatorBytes = separators.Sum(s => (long)System.Text.Encoding.UTF8.GetByteCount(s)) + pieces.Count;
        return new TextSeed(text, pieces, separators, pieceTokens.SelectMany(t => t).ToList(), rows, rows.LongLength * LongestPieceBytes + separatorBytes);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Copies are judged on the decoded text (two token rows can read the same: byte pieces, spacing): a variation
    /// equal to the seed or to an earlier variation, or with an empty piece, is redrawn (<see cref="DistinctDraws"/>),
    /// each attempt a little further from the seed (<see cref="DistinctDraws.AttemptSimilarity"/>).
    /// A seed of several pieces gives variations whose pieces are joined with the seed's own separators.
    /// </remarks>
    public IReadOnlyList<IReadOnlyList<Material>> VaryMany(IReadOnlyList<MaterialVariation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        RequireLatentSpace();
        if (requests.Count == 0) return [];
        var seeds = requests.Select(r => Seed(r.Seed, "seed")).ToArray();
        foreach (var r in requests) r.Options.Validate();
        var results = DistinctDraws.Draw(requests.Select(r => r.Options.Count).ToArray(), seeds.Select(s => s.Text.Trim()).ToArray(), (counts, attempt) =>
        {
            using var scope = NewDisposeScope();
            var active = Enumerable.Range(0, requests.Count).Where(i => counts[i] > 0).ToArray();
            var batch = active.Select(i =>
            {
                var o = requests[i].Options;
                return new VariationRequest(SeedTensor(seeds[i]), counts[i], DistinctDraws.AttemptSimilarity(o.Similarity, attempt), o.Temperature,
                    DistinctDraws.AttemptRng(o.Rng, attempt), o.TopP, Model.AttributeShift(o.Attributes));
            }).ToArray();
            var outputs = Model.Engine.VaryBatch(batch, rejectCopies: false);
            var drawn = new List<Decoded>[requests.Count];
            for (var i = 0; i < requests.Count; i++) drawn[i] = [];
            for (var k = 0; k < active.Length; k++) drawn[active[k]] = Join(Decode(outputs[k]), seeds[active[k]].Rows, seeds[active[k]], seeds[active[k]]);
            return drawn;
        }, d => d.Text, d => d.HasEmptyPiece, cancellationToken);
        return results.Select(r => (IReadOnlyList<Material>)r.Select(ToMaterial).ToList()).ToList();
    }

    /// <inheritdoc />
    /// <remarks>
    /// The training snippets are read again from the data folder the manifest records (same split), once per loaded
    /// model; null when that data is not on this machine.
    /// </remarks>
    public int? CountCopies(IReadOnlyList<Material> outputs)
    {
        var training = trainingSnippets.Value;
        return training is null ? null : outputs.Count(o => o.Text is { } t && training.Contains(Nfc.Normalize(t).Trim()));
    }

    private HashSet<string>? ReadTrainingSnippets()
    {
        var settings = Model.Manifest.Training?["settings"];
        if (settings?["data"]?.GetValue<string>() is not { } data || (!File.Exists(data) && !Directory.Exists(data))) return null;
        var fraction = settings["validationFraction"]?.GetValue<double>() ?? 0.1;
        try
        {
            var corpus = Corpus.TextCorpus.Load(data, fraction, Training.TextTrainingRecipe.MaxSnippetChars, _ => { });
            return corpus.Train.Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Training.TrainingDataException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>Ends of several pieces are interpolated piece by piece, over as many pieces as the shorter end has (like melodies, cut to the shorter).</remarks>
    public IReadOnlyList<IReadOnlyList<Material>> InterpolateMany(IReadOnlyList<MaterialInterpolation> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        RequireLatentSpace();
        if (requests.Count == 0) return [];
        var ends = requests.Select(r => (From: Seed(r.From, "from"), To: Seed(r.To, "to"))).ToArray();
        foreach (var r in requests) r.Options.Validate();
        using var scope = NewDisposeScope();
        cancellationToken.ThrowIfCancellationRequested();
        var pieces = ends.Select(e => Math.Min(e.From.Rows, e.To.Rows)).ToArray();
        var outputs = Model.Engine.InterpolateBatch(requests.Select((r, i) =>
            new InterpolationRequest(SeedTensor(ends[i].From, pieces[i]), SeedTensor(ends[i].To, pieces[i]), r.Options.Steps, r.Options.Temperature, r.Options.Rng, r.Options.TopP)).ToArray());
        return outputs.Select((o, i) => (IReadOnlyList<Material>)Join(Decode(o), pieces[i], ends[i].From, ends[i].To).Select(ToMaterial).ToList()).ToList();
    }

    /// <inheritdoc />
    /// <remarks>A sample that decodes to nothing is drawn again (like an empty variation); repeats are kept, as for melodies.</remarks>
    public IReadOnlyList<IReadOnlyList<Material>> SampleMany(IReadOnlyList<SampleOptions> requests, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0) return [];
        foreach (var r in requests) r.ValidateWithoutProperties("text");
        // An empty sample (EOS drawn first) is drawn again with fresh noise; repeats are kept.
        var results = DistinctDraws.Draw(requests.Select(r => r.Count).ToArray(), new string?[requests.Count], Draw, key: null, d => d.HasEmptyPiece, cancellationToken);
        return results.Select(r => (IReadOnlyList<Material>)r.Select(ToMaterial).ToList()).ToList();

        List<Decoded>[] Draw(int[] counts, int attempt)
        {
            using var scope = NewDisposeScope();
            var active = Enumerable.Range(0, requests.Count).Where(i => counts[i] > 0).ToArray();
            var outputs = Model.Engine.SampleBatch(active.Select(i =>
                new SampleRequest(counts[i], requests[i].Temperature, DistinctDraws.AttemptRng(requests[i].Rng, attempt), requests[i].TopP)).ToArray());
            var drawn = new List<Decoded>[requests.Count];
            for (var i = 0; i < requests.Count; i++) drawn[i] = [];
            for (var k = 0; k < active.Length; k++) drawn[active[k]] = Decode(outputs[k]);
            return drawn;
        }
    }

    /// <summary>Decoded output rows: the text between BOS and the first EOS (or the row's end), trimmed, and its token count.</summary>
    private List<Decoded> Decode(Tensor output)
    {
        var width = (int)output.shape[1];
        var flat = output.to(ScalarType.Int64).contiguous().data<long>().ToArray();
        var result = new List<Decoded>(flat.Length / width);
        var ids = new List<int>(width);
        for (var row = 0; row < flat.Length / width; row++)
        {
            ids.Clear();
            for (var t = 1; t < width; t++)
            {
                var id = (int)flat[row * width + t];
                if (id == options.EosId || id == options.PadId) break;
                ids.Add(id);
            }
            var text = Tokenizer.Decode(ids).Trim();
            result.Add(new Decoded(text, ids.Count, text.Length == 0));
        }
        return result;
    }

    /// <summary>
    /// Decoded rows of <paramref name="pieces"/>-piece outputs (rows come output-major, one per piece), grouped into
    /// outputs and joined with <paramref name="first"/>'s separators for the first half of the outputs and
    /// <paramref name="last"/>'s for the rest (an interpolation's two ends; a variation passes its seed twice).
    /// </summary>
    private static List<Decoded> Join(List<Decoded> rows, int pieces, TextSeed first, TextSeed last)
    {
        if (pieces == 1) return rows;
        var outputs = rows.Count / pieces;
        return Enumerable.Range(0, outputs).Select(v =>
        {
            var parts = rows.GetRange(v * pieces, pieces);
            var text = (2 * v < outputs ? first : last).Join(parts.Select(p => p.Text).ToList());
            return new Decoded(text, parts.Sum(p => p.Tokens), parts.Any(p => p.HasEmptyPiece));
        }).ToList();
    }

    /// <summary>Variations and interpolations move through z; a language model ignores it, so it can only sample.</summary>
    private void RequireLatentSpace()
    {
        if (!usesLatent)
            throw new MaterialException(
                $"the model in '{Model.Directory}' is a language model ({Model.Model.Kind}): it has no latent space to vary or interpolate in; use sample.");
    }

    private static Material ToMaterial(Decoded d) =>
        Material.FromText(d.Text, new Dictionary<string, string>(StringComparer.Ordinal) { [TokensProperty] = d.Tokens.ToString(CultureInfo.InvariantCulture) });

    private TextSeed Seed(PreparedSeed seed, string what) =>
        seed as TextSeed is { } text && text.ModelRows.Length == text.Rows * options.MaxTokens
            ? text
            : throw new ArgumentException($"the {what} was not prepared by this text model's generator.");

    /// <summary>The first <paramref name="pieces"/> rows of a seed (all of them by default) as [pieces, width].</summary>
    private Tensor SeedTensor(TextSeed seed, int? pieces = null)
    {
        var rows = pieces ?? seed.Rows;
        return tensor(seed.ModelRows.AsSpan(0, rows * options.MaxTokens).ToArray(), new long[] { rows, options.MaxTokens });
    }

    /// <summary>One output: its text, the tokens generated for it, and whether any of its pieces decoded to nothing.</summary>
    private readonly record struct Decoded(string Text, int Tokens, bool HasEmptyPiece);
}
