using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using VaeCreative.Text.Evaluation;
using VaeCreative.Text.Tokenization;
using static TorchSharp.torch;

namespace VaeCreative.Text.Spelling;

/// <summary>
/// Decoding that spells only known words: each step samples among the <see cref="Candidates"/> most likely pieces
/// that keep every word of the row a word of the <see cref="Lexicon"/> or of the row's seed (or a prefix of one while
/// the word goes on), so a model made of subword pieces cannot invent words such as "Sarentito". Safe to share: the
/// per-decode state is in <see cref="RowSpelling"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Words are compared folded (<see cref="Lexicon.Fold"/>); anything that is not a letter (digits, punctuation,
/// spaces) is free. A word must read lower, capitalised or upper case unless the seed spells it otherwise ("McDonald").</item>
/// <item>Byte pieces (characters outside the vocabulary) may only spell, whole, the characters the row's seed spelt in
/// bytes, and the word they fall in is not checked: a seed in a script the lexicon lacks keeps its own characters, and
/// no broken UTF-8 (U+FFFD) comes out.</item>
/// <item>The sampler is <see cref="Core.Models.TokenSampler"/>'s (the first candidate whose cumulative probability
/// reaches u × the total; nucleus and temperature per row) over the allowed candidates. When none is allowed the
/// vocabulary is searched; a row that no piece can continue falls back to the unconstrained choice.</item>
/// <item>A row drawn around a seed ends by <see cref="LengthLimit"/>.</item>
/// </list>
/// </remarks>
public sealed class SpellingConstraint
{
    /// <summary>
    /// Pieces looked at per row and step, most likely first: at temperature 0.5 the rest hold a negligible share of
    /// the probability, and checking 64 of 16,000 pieces keeps the step cheap.
    /// </summary>
    public const int Candidates = 64;

    private readonly string?[] texts;
    private readonly bool[] never;
    private readonly bool[] bytePiece;
    private readonly byte[] byteValue;
    private readonly (string? FirstRune, int[] Ids)[] groups;
    private readonly TextTokenizer tokenizer;

    /// <summary>Spelling with <paramref name="tokenizer"/>'s pieces and the words of <paramref name="lexicon"/>.</summary>
    public SpellingConstraint(TextTokenizer tokenizer, Lexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(lexicon);
        this.tokenizer = tokenizer;
        Lexicon = lexicon;
        var size = tokenizer.VocabularySize;
        texts = new string?[size];
        never = new bool[size];
        bytePiece = new bool[size];
        byteValue = new byte[size];
        for (var id = 0; id < size; id++)
        {
            bytePiece[id] = tokenizer.IsBytePiece(id);
            if (bytePiece[id]) byteValue[id] = Convert.ToByte(tokenizer.Piece(id)[3..5], 16);
            var text = tokenizer.PieceText(id);
            texts[id] = text;
            never[id] = id == tokenizer.PadId || id == tokenizer.BosId || id == tokenizer.UnknownId || (text is "" && id != tokenizer.EosId);
        }
        // Pieces by their first character; byte pieces and EOS in a group of their own, always looked at.
        groups = Enumerable.Range(0, size).Where(id => !never[id])
            .GroupBy(id => texts[id] is { Length: > 0 } text ? text.EnumerateRunes().First().ToString() : null)
            .Select(g => (g.Key, g.ToArray())).ToArray();
    }

    /// <summary>The known words.</summary>
    public Lexicon Lexicon { get; }

    /// <summary>
    /// The spelling state of <paramref name="rows"/> rows at the start of a decode. <paramref name="seedRows"/>
    /// ([rows, width] token ids, any width; null for prior samples) holds each row's seed: its words are allowed in
    /// that row, and its byte pieces allow byte pieces.
    /// </summary>
    public RowSpelling[] Start(long rows, Tensor? seedRows)
    {
        if (seedRows is null) return Enumerable.Range(0, (int)rows).Select(_ => new RowSpelling([], [], int.MaxValue)).ToArray();
        if (seedRows.dim() != 2 || seedRows.shape[0] != rows)
            throw new ArgumentException($"expected seed rows of shape [{rows}, width]; got [{string.Join(", ", seedRows.shape)}].");
        var width = (int)seedRows.shape[1];
        var ids = seedRows.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
        var seen = new Dictionary<string, RowSpelling>(StringComparer.Ordinal);
        var result = new RowSpelling[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = ids.AsSpan(r * width, width).ToArray().Where(id => id >= 0 && id < texts.Length).Select(id => (int)id).ToArray();
            var key = string.Join(',', row.Select(id => id.ToString(CultureInfo.InvariantCulture)));
            if (!seen.TryGetValue(key, out var start))
            {
                var words = WordList.Words(tokenizer.Decode(row)).ToList();
                // An interpolation's row holds both ends, each from its BOS: the length is theirs on average.
                var ends = Math.Max(1, row.Count(id => id == tokenizer.BosId));
                var length = row.Count(id => id != tokenizer.PadId && id != tokenizer.BosId && id != tokenizer.EosId) / ends;
                start = seen[key] = new RowSpelling(words, ByteCharacters(row), LengthLimit(length));
            }
            result[r] = start.Fresh();
        }
        return result;
    }

    /// <summary>
    /// One decoding step: the next piece of each row from <paramref name="logits"/> [rows, vocabulary] (banned pieces at
    /// −∞), with its uniform number, temperature and nucleus mass (null: 1); finished rows get <paramref name="pad"/>.
    /// Advances <paramref name="rows"/>.
    /// </summary>
    public long[] Choose(Tensor logits, ReadOnlySpan<float> uniform, ReadOnlySpan<float> temperatures, ReadOnlySpan<float> topPs, ReadOnlySpan<bool> finished, RowSpelling[] rows, long pad)
    {
        var count = rows.Length;
        var vocabulary = (int)logits.shape[1];
        var k = Math.Min(Candidates, vocabulary);
        // The top candidates are found here rather than by libtorch's topk: one pass per row over the logits in place
        // costs a fraction of topk's kernel at 16,000 pieces (measured 0.39 ms for 8 rows on this machine's 2 cores).
        var values = new float[count * k];
        var indices = new long[count * k];
        using var scope = NewDisposeScope();
        var scores = logits.to(ScalarType.Float32).cpu().contiguous();
        // The tensor's own memory (a CPU tensor): no copy.
        var all = MemoryMarshal.Cast<byte, float>(scores.bytes);
        for (var r = 0; r < count; r++)
            if (!finished[r]) Top(all.Slice(r * vocabulary, vocabulary), values.AsSpan(r * k, k), indices.AsSpan(r * k, k));
        var chosen = new long[count];
        var allowed = new List<(int Id, float Logit, WordState Word)>(k);
        for (var r = 0; r < count; r++)
        {
            if (finished[r]) { chosen[r] = pad; continue; }
            var row = rows[r];
            if (row.Tokens >= row.MaxTokens)
            {
                chosen[r] = tokenizer.EosId;
                continue;
            }
            allowed.Clear();
            var temperature = temperatures[r];
            double allowedWeight = 0;
            for (var j = 0; j < k; j++)
            {
                var logit = values[r * k + j];
                if (float.IsNegativeInfinity(logit)) break;
                if (allowed.Count > 0 && Negligible(logit, k - j, allowed[0].Logit, temperature, allowedWeight)) break;
                var id = (int)indices[r * k + j];
                if (!TryStep(row, id, out var word)) continue;
                allowed.Add((id, logit, word));
                allowedWeight += temperature > 0 ? Math.Exp((logit - allowed[0].Logit) / temperature) : 1;
            }
            if (allowed.Count == 0) SearchAll(all.Slice(r * vocabulary, vocabulary), row, allowed, k);
            if (allowed.Count == 0)
            {
                // Nothing spells on: take the model's first choice and stop checking this word.
                var id = (int)indices[r * k];
                chosen[r] = id;
                row.Advance(WordState.Between with { Free = true });
                continue;
            }
            var pick = Pick(allowed, uniform[r], temperatures[r], topPs.IsEmpty ? 1f : topPs[r]);
            chosen[r] = allowed[pick].Id;
            row.Advance(allowed[pick].Word);
        }
        return chosen;
    }

    /// <summary>
    /// Share of the allowed candidates' sampling weight below which the candidates not yet looked at are left out: the
    /// chance that a step picks differently is at most this. Checking a candidate's spelling costs microseconds, and at
    /// temperature 0.5 most of the 64 carry far less weight than this together.
    /// </summary>
    public const double NegligibleShare = 1e-4;

    /// <summary>
    /// Whether <paramref name="remaining"/> candidates of at most <paramref name="logit"/> each can together weigh less
    /// than <see cref="NegligibleShare"/> of <paramref name="allowedWeight"/> (weights relative to the first allowed
    /// candidate's <paramref name="first"/>); at temperature 0 only the first allowed one counts.
    /// </summary>
    internal static bool Negligible(float logit, int remaining, float first, float temperature, double allowedWeight) =>
        temperature <= 0 || remaining * Math.Exp((logit - first) / temperature) < NegligibleShare * allowedWeight;

    /// <summary>
    /// Most tokens a row drawn around a seed of <paramref name="seedTokens"/> tokens may have: half as many again, and
    /// at least 4 more. Beyond its seed's length a row reads codes no seed set (the prior's), and a variation that
    /// missed its end ran on in loose words for the rest of the row.
    /// </summary>
    public static int LengthLimit(int seedTokens) => seedTokens + Math.Max(4, seedTokens / 2);

    /// <summary>
    /// The <paramref name="values"/>.Length largest of <paramref name="scores"/>, largest first (equal scores: lower
    /// index first), with their indices; unfilled places are −∞.
    /// </summary>
    /// <remarks>
    /// Two passes over the scores, eight at a time. The first takes the largest score of each block of
    /// <see cref="TopBlock"/>: the k-th largest of those maxima is a floor under the k-th largest score (k blocks hold
    /// a score at least that large), so the second pass keeps, in a heap with the smallest kept at its root, only the
    /// few scores at or above it. Keeping every score that beat the root in one pass cost about three times as much.
    /// </remarks>
    internal static void Top(ReadOnlySpan<float> scores, Span<float> values, Span<long> indices)
    {
        values.Fill(float.NegativeInfinity);
        indices.Fill(0);
        var floor = Floor(scores, values.Length);
        var width = Vector<float>.Count;
        var blocks = MemoryMarshal.Cast<float, Vector<float>>(scores);
        for (var b = 0; b < blocks.Length; b++)
        {
            if (!Vector.GreaterThanOrEqualAny(blocks[b], new Vector<float>(Math.Max(floor, values[0])))) continue;
            for (var i = b * width; i < (b + 1) * width; i++)
                if (scores[i] >= floor) Keep(scores[i], i, values, indices);
        }
        for (var i = blocks.Length * width; i < scores.Length; i++)
            if (scores[i] >= floor) Keep(scores[i], i, values, indices);
        // Best first: insertion sort of the few kept.
        for (var a = 1; a < values.Length; a++)
        {
            var (value, index) = (values[a], indices[a]);
            var at = a - 1;
            for (; at >= 0 && Worse(values[at], indices[at], value, index); at--)
            {
                values[at + 1] = values[at];
                indices[at + 1] = indices[at];
            }
            values[at + 1] = value;
            indices[at + 1] = index;
        }
    }

    /// <summary>Scores per block in <see cref="Top"/>'s first pass (a whole number of vectors).</summary>
    private const int TopBlock = 64;

    /// <summary>
    /// A value no greater than the <paramref name="k"/>-th largest of <paramref name="scores"/>: the k-th largest of
    /// their blocks' maxima; −∞ when there are fewer than k whole blocks.
    /// </summary>
    private static float Floor(ReadOnlySpan<float> scores, int k)
    {
        var count = scores.Length / TopBlock;
        if (count < k || TopBlock % Vector<float>.Count != 0) return float.NegativeInfinity;
        Span<float> maxima = stackalloc float[k];
        Span<long> unused = stackalloc long[k];
        maxima.Fill(float.NegativeInfinity);
        for (var b = 0; b < count; b++)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(scores.Slice(b * TopBlock, TopBlock));
            var largest = vectors[0];
            for (var v = 1; v < vectors.Length; v++) largest = Vector.Max(largest, vectors[v]);
            var max = float.NegativeInfinity;
            for (var j = 0; j < Vector<float>.Count; j++) max = Math.Max(max, largest[j]);
            Keep(max, b, maxima, unused);
        }
        return maxima[0];
    }

    /// <summary>Puts <paramref name="score"/> (at <paramref name="index"/>) in the heap of kept values when it beats the smallest, which it replaces.</summary>
    private static void Keep(float score, int index, Span<float> values, Span<long> indices)
    {
        if (!(score > values[0])) return;
        var at = 0;
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= values.Length) break;
            if (child + 1 < values.Length && Worse(values[child + 1], indices[child + 1], values[child], indices[child])) child++;
            if (!Worse(values[child], indices[child], score, index)) break;
            values[at] = values[child];
            indices[at] = indices[child];
            at = child;
        }
        values[at] = score;
        indices[at] = index;
    }

    /// <summary>Whether a kept score ranks below another: smaller, or equal and later.</summary>
    private static bool Worse(float value, long index, float otherValue, long otherIndex) =>
        value < otherValue || (value == otherValue && index > otherIndex);

    /// <summary>
    /// The characters <paramref name="row"/> spells in byte pieces, each as its UTF-8 bytes (one char per byte): those a
    /// variation may spell in bytes too. Runs that are not valid UTF-8 give nothing.
    /// </summary>
    private HashSet<string> ByteCharacters(int[] row)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var run = new List<byte>();
        foreach (var id in row.Append(-1))
        {
            if (id >= 0 && bytePiece[id]) { run.Add(byteValue[id]); continue; }
            for (var at = 0; at < run.Count;)
            {
                var length = run[at] switch { < 0x80 => 1, >= 0xC2 and < 0xE0 => 2, >= 0xE0 and < 0xF0 => 3, >= 0xF0 and < 0xF5 => 4, _ => 0 };
                if (length == 0 || at + length > run.Count) break;
                var bytes = run.GetRange(at, length).ToArray();
                if (System.Text.Unicode.Utf8.IsValid(bytes)) result.Add(new string(bytes.Select(b => (char)b).ToArray()));
                at += length;
            }
            run.Clear();
        }
        return result;
    }

    /// <summary>Whether <paramref name="id"/> may follow <paramref name="row"/>'s text, and the word state after it.</summary>
    internal bool TryStep(RowSpelling row, int id, out WordState word)
    {
        word = row.Word;
        if (never[id]) return false;
        if (id == tokenizer.EosId) return word.Pending.Length == 0 && row.MayEnd(Lexicon, word);
        if (texts[id] is not { } text)
        {
            // Bytes may only spell, whole, the characters the seed itself spelt in bytes.
            var pending = word.Pending + (char)byteValue[id];
            if (row.IsByteCharacter(pending)) word = word with { Pending = "", Free = true };
            else if (row.StartsByteCharacter(pending)) word = word with { Pending = pending, Free = true };
            else return false;
            return true;
        }
        if (word.Pending.Length > 0) return false;
        return TrySpell(row, text, ref word);
    }

    /// <summary>Spells <paramref name="text"/> on from <paramref name="word"/>; false at the first character that makes the row's word unknown.</summary>
    private bool TrySpell(RowSpelling row, string text, ref WordState word)
    {
        // Asked once per run of letters, not per letter: every prefix of a word that may go on may go on too (a prefix
        // of a known word is a prefix of it), and a word's end is checked by MayEnd, which asks more.
        var grown = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune, word.Folded.Length > 0))
            {
                word = word.Append(rune);
                grown = true;
                continue;
            }
            if (!row.MayEnd(Lexicon, word)) return false;
            word = WordState.Between;
            grown = false;
        }
        return !grown || row.MayContinue(Lexicon, word);
    }

    /// <summary>Letters start and continue a word; marks and apostrophes only continue one (<see cref="WordList"/>'s rule).</summary>
    private static bool IsWordRune(Rune rune, bool inWord)
    {
        if (Rune.IsLetter(rune)) return true;
        if (!inWord) return false;
        return rune.Value is '\'' or '\u2019'
            || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    /// <summary>
    /// The <paramref name="k"/> most likely allowed pieces of the whole row (when none of the top candidates is). Pieces
    /// are grouped by their first character, and a group is looked at only when that character can follow the row's
    /// word : mid-word, a handful of groups.
    /// </summary>
    private void SearchAll(ReadOnlySpan<float> scores, RowSpelling row, List<(int Id, float Logit, WordState Word)> allowed, int k)
    {
        var found = new List<(int Id, float Logit, WordState Word)>();
        foreach (var (first, ids) in groups)
        {
            var word = row.Word;
            if (first is { } rune && !TrySpell(row, rune, ref word)) continue;
            foreach (var id in ids)
                if (!float.IsNegativeInfinity(scores[id]) && TryStep(row, id, out var spelt)) found.Add((id, scores[id], spelt));
        }
        found.Sort((a, b) => b.Logit.CompareTo(a.Logit));
        allowed.AddRange(found.Take(k));
    }

    /// <summary>
    /// The sampler over allowed candidates (most likely first): argmax at temperature 0; otherwise softmax(logit / T),
    /// cut to the nucleus <paramref name="topP"/>, and the first candidate whose cumulative weight reaches u × the total.
    /// </summary>
    private static int Pick(List<(int Id, float Logit, WordState Word)> allowed, float u, float temperature, float topP)
    {
        if (temperature <= 0 || allowed.Count == 1) return 0;
        Span<double> weights = stackalloc double[allowed.Count];
        var first = allowed[0].Logit;
        double total = 0;
        for (var i = 0; i < allowed.Count; i++) total += weights[i] = Math.Exp((allowed[i].Logit - first) / temperature);
        var kept = allowed.Count;
        if (topP < 1)
        {
            double before = 0;
            for (var i = 0; i < allowed.Count; i++)
            {
                if (before >= topP * total) { kept = i; break; }
                before += weights[i];
            }
        }
        double keptTotal = 0;
        for (var i = 0; i < kept; i++) keptTotal += weights[i];
        var target = u * keptTotal;
        double cumulative = 0;
        for (var i = 0; i < kept; i++)
        {
            cumulative += weights[i];
            if (cumulative >= target) return i;
        }
        return kept - 1;
    }
}
