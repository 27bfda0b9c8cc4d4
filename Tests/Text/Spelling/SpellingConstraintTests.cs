using VaeCreative.Tests.Text.Tokenization;
using VaeCreative.Text.Spelling;
using Xunit;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Text.Spelling;

public sealed class SpellingConstraintTests(TokenizerFixture fixture) : IClassFixture<TokenizerFixture>
{
    private static readonly Lexicon Words = new(["the", "a", "tattered", "banner", "flaps", "over", "gate", "wolves", "howl", "sleeps", "wolf"]);

    private SpellingConstraint Constraint => new(fixture.Tokenizer, Words);

    [Theory]
    [InlineData("The tattered banner flaps over the gate.")]
    [InlineData("The wolves HOWL!")]
    [InlineData("A banner, the gate; wolves howl!")]
    [InlineData("The wolf sleeps.")]
    public void Known_words_in_a_words_case_spell(string text) => Assert.True(Spells(text, seed: null));

    [Theory]
    [InlineData("The tatterer banner.")] // not a word
    [InlineData("The bannerflaps.")] // two words run together
    [InlineData("tHe gate.")] // mixed case
    [InlineData("The banNER.")]
    [InlineData("The dragon 🐉 sleeps.")] // byte pieces, and a seed without any
    public void Invented_words_mixed_case_and_bytes_do_not_spell(string text) => Assert.False(Spells(text, seed: null));

    [Fact]
    public void A_row_may_spell_its_seeds_words_as_the_seed_cases_them()
    {
        Assert.False(Spells("The McGate sleeps.", seed: null));
        Assert.True(Spells("The McGate sleeps.", seed: "McGate waits."));
        Assert.False(Spells("The mCgate sleeps.", seed: "McGate waits."));
    }

    [Fact]
    public void Byte_pieces_spell_only_whole_characters_the_seed_spelt_in_bytes()
    {
        Assert.True(Spells("The dragon 🐉 sleeps.", seed: "The dragon 🐉 wakes."));
        Assert.False(Spells("The dragon 🦊 sleeps.", seed: "The dragon 🐉 wakes."));

        // Half a character cannot end the row.
        var tokenizer = fixture.Tokenizer;
        var seed = tensor(new long[] { tokenizer.BosId }.Concat(tokenizer.Encode("🐉").Select(i => (long)i)).Append(tokenizer.EosId).ToArray()).unsqueeze(0);
        var dragon = tokenizer.Encode("🐉");
        Assert.Equal(4, dragon.Count);
        Assert.All(dragon, id => Assert.True(tokenizer.IsBytePiece(id)));
        var constraint = Constraint;
        var row = constraint.Start(1, seed)[0];
        foreach (var id in dragon.Take(3))
        {
            Assert.True(constraint.TryStep(row, id, out var word));
            row.Advance(word);
        }
        Assert.False(constraint.TryStep(row, tokenizer.EosId, out _));
        Assert.False(constraint.TryStep(row, tokenizer.Encode(" the")[0], out _));
        Assert.True(constraint.TryStep(row, dragon[3], out _));
    }

    [Fact]
    public void A_word_ends_with_an_apostrophe_only_after_an_s()
    {
        var row = Constraint.Start(1, null)[0];
        var wolves = WordState.Between;
        foreach (var rune in "wolves'".EnumerateRunes()) wolves = wolves.Append(rune);
        var wolf = WordState.Between;
        foreach (var rune in "wolf\u2019".EnumerateRunes()) wolf = wolf.Append(rune);

        Assert.True(row.MayEnd(Words, wolves));
        Assert.False(row.MayEnd(Words, wolf));
        Assert.True(row.MayContinue(Words, wolf)); // "wolf’s" may follow
        var possessive = wolf.Append(new System.Text.Rune('s'));
        Assert.True(row.MayEnd(Words, possessive)); // the possessive of a known word
        Assert.False(row.MayContinue(Words, wolf.Append(new System.Text.Rune('\'')))); // "wolf’'" leads nowhere
    }

    [Fact]
    public void A_row_cannot_end_inside_a_word()
    {
        var ids = fixture.Tokenizer.Encode("The bann");
        var row = Constraint.Start(1, null)[0];
        var constraint = Constraint;
        foreach (var id in ids)
        {
            Assert.True(constraint.TryStep(row, id, out var word));
            row.Advance(word);
        }
        Assert.False(constraint.TryStep(row, fixture.Tokenizer.EosId, out _));
    }

    [Fact]
    public void Choose_takes_the_most_likely_allowed_piece_and_pads_finished_rows()
    {
        var tokenizer = fixture.Tokenizer;
        var invented = tokenizer.Encode("Zq")[0];
        var good = tokenizer.Encode("The")[0];
        Assert.NotEqual(invented, good);
        var logits = full(2, tokenizer.VocabularySize, float.NegativeInfinity);
        logits[0, invented] = tensor(5f);
        logits[0, good] = tensor(1f);
        logits[1, good] = tensor(1f);
        var rows = Constraint.Start(2, null);

        var chosen = Constraint.Choose(logits, [0.5f, 0.5f], [0f, 0f], [], [false, true], rows, pad: tokenizer.PadId);

        Assert.Equal([good, tokenizer.PadId], chosen);
        Assert.Equal(1, rows[0].Tokens);
    }

    [Fact]
    public void When_no_top_candidate_is_allowed_the_whole_vocabulary_is_searched()
    {
        var tokenizer = fixture.Tokenizer;
        var good = tokenizer.Encode("The")[0];
        var logits = full(1, tokenizer.VocabularySize, float.NegativeInfinity);
        // More pieces than the candidates, each likelier than the one allowed piece and none of them allowed at the start of a row.
        var banned = Enumerable.Range(0, tokenizer.VocabularySize)
            .Where(id => id != good && !Constraint.TryStep(Constraint.Start(1, null)[0], id, out _)).Take(SpellingConstraint.Candidates + 10).ToArray();
        Assert.Equal(SpellingConstraint.Candidates + 10, banned.Length);
        foreach (var id in banned) logits[0, id] = tensor(5f);
        logits[0, good] = tensor(1f);

        var chosen = Constraint.Choose(logits, [0.9f], [1f], [], [false], Constraint.Start(1, null), tokenizer.PadId);

        Assert.Equal([good], chosen);
    }

    [Fact]
    public void A_row_drawn_around_a_seed_ends_by_the_length_limit()
    {
        var tokenizer = fixture.Tokenizer;
        var seed = tokenizer.Encode("The gate.");
        var seedRow = tensor(new long[] { tokenizer.BosId }.Concat(seed.Select(i => (long)i)).Append(tokenizer.EosId).ToArray()).unsqueeze(0);
        var rows = Constraint.Start(1, seedRow);
        Assert.Equal(SpellingConstraint.LengthLimit(seed.Count), rows[0].MaxTokens);
        var the = tokenizer.Encode(" the")[0];
        var logits = full(1, tokenizer.VocabularySize, float.NegativeInfinity);
        logits[0, the] = tensor(1f);

        var chosen = new List<long>();
        for (var step = 0; step < rows[0].MaxTokens + 1; step++)
            chosen.Add(Constraint.Choose(logits, [0.5f], [0f], [], [false], rows, tokenizer.PadId)[0]);

        Assert.All(chosen.Take(rows[0].MaxTokens), id => Assert.Equal(the, id));
        Assert.Equal(tokenizer.EosId, chosen[^1]);
    }

    [Theory]
    [InlineData(64, 16_000)]
    [InlineData(64, 1_003)] // not a whole number of vector blocks
    [InlineData(8, 5)] // fewer scores than places
    public void Top_keeps_the_largest_scores_best_first_and_equal_ones_by_index(int k, int length)
    {
        var random = new Random(length);
        // Few distinct values, so ties are everywhere; some banned pieces.
        var scores = Enumerable.Range(0, length).Select(_ => random.Next(10) == 0 ? float.NegativeInfinity : random.Next(200) / 4f).ToArray();
        var values = new float[k];
        var indices = new long[k];

        SpellingConstraint.Top(scores, values, indices);

        var expected = scores.Select((v, i) => (Value: v, Index: (long)i)).Where(p => !float.IsNegativeInfinity(p.Value))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Index).Take(k).ToList();
        Assert.Equal(expected.Select(p => p.Value), values.Take(expected.Count));
        Assert.Equal(expected.Select(p => p.Index), indices.Take(expected.Count));
        Assert.All(values.Skip(expected.Count), v => Assert.Equal(float.NegativeInfinity, v));
    }

    [Fact]
    public void Candidates_too_unlikely_to_matter_are_not_looked_at()
    {
        // At temperature 0.5, 60 candidates 10 nats below the first allowed weigh 60·e⁻²⁰ of its weight: nothing.
        Assert.True(SpellingConstraint.Negligible(-10, 60, 0, 0.5f, 1));
        // 2 nats below, they would weigh 60·e⁻⁴ ≈ 1.1 of it.
        Assert.False(SpellingConstraint.Negligible(-2, 60, 0, 0.5f, 1));
        // A hot sampler reaches further down.
        Assert.False(SpellingConstraint.Negligible(-10, 60, 0, 2f, 1));
        // Greedy decoding needs only the first allowed candidate.
        Assert.True(SpellingConstraint.Negligible(0, 60, 0, 0f, 1));
    }

    [Fact]
    public void LengthLimit_is_half_again_and_at_least_four_more() =>
        Assert.Equal([4, 7, 15, 30], new[] { 0, 3, 10, 20 }.Select(SpellingConstraint.LengthLimit));

    /// <summary>
    /// Whether every piece of <paramref name="text"/>, then EOS, is allowed in turn (a seed row from <paramref name="seed"/>).
    /// The tiny tokenizer has few capitals, digits or apostrophes (they are byte pieces); the texts avoid them unless a test is about bytes.
    /// </summary>
    private bool Spells(string text, string? seed)
    {
        var tokenizer = fixture.Tokenizer;
        Tensor? seedRows = null;
        if (seed is not null)
            seedRows = tensor(new long[] { tokenizer.BosId }.Concat(tokenizer.Encode(seed).Select(i => (long)i)).Append(tokenizer.EosId).ToArray()).unsqueeze(0);
        var constraint = Constraint;
        var row = constraint.Start(1, seedRows)[0];
        foreach (var id in tokenizer.Encode(text).Append(tokenizer.EosId))
        {
            if (!constraint.TryStep(row, id, out var word)) return false;
            row.Advance(word);
        }
        return true;
    }
}
