using VaeCreative.Tests.Support;
using VaeCreative.Text.Models;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Training;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Text.Training;

public class TextDatasetTests
{
    private static TextTokenizer Tokenizer() => TextTokenizer.Load(Path.Combine(TinyTextRun.ModelDirectory, TextTokenizer.FileName));

    private static SentenceVaeOptions OptionsFor(TextTokenizer t, int maxTokens) => new()
    {
        VocabularySize = t.VocabularySize, PadId = t.PadId, BosId = t.BosId, EosId = t.EosId, MaxTokens = maxTokens,
    };

    [Fact]
    public void Training_batches_are_as_wide_as_their_longest_row_and_evaluation_batches_as_the_model()
    {
        using var scope = NewDisposeScope();
        var tokenizer = Tokenizer();
        var options = OptionsFor(tokenizer, 24);
        var data = TextDataset.Encode(["The fox.", "The old lantern shines over the gate."], tokenizer, options);
        Assert.Equal(2, data.Count);
        var shortIds = tokenizer.Encode("The fox.");
        var longIds = tokenizer.Encode("The old lantern shines over the gate.");
        var train = data.Batch([0, 1], new Random(0));
        Assert.Equal([2L, longIds.Count + 2], train.shape);
        Assert.Equal([(long)options.BosId, .. shortIds.Select(i => (long)i), options.EosId],
            train[0].data<long>().ToArray().Take(shortIds.Count + 2));
        Assert.All(train[0].data<long>().ToArray().Skip(shortIds.Count + 2), t => Assert.Equal(options.PadId, t));
        Assert.Equal([1L, 24], data.Batch([0], null).shape);
        Assert.Equal(shortIds.Count + 1 + longIds.Count + 1, data.Targets);
    }

    [Fact]
    public void Snippets_longer_than_the_model_takes_are_left_out_and_counted()
    {
        var tokenizer = Tokenizer();
        var text = "The quiet river waits over the dark sea.";
        var length = tokenizer.Encode(text).Count;
        var data = TextDataset.Encode([text, "The fox."], tokenizer, OptionsFor(tokenizer, length + 1));
        Assert.Equal((1, 1), (data.Count, data.Skipped));
        Assert.Equal(0, TextDataset.Encode([text], tokenizer, OptionsFor(tokenizer, length + 2)).Skipped);
    }

    [Fact]
    public void A_model_that_does_not_fit_the_tokenizer_is_refused()
    {
        var tokenizer = Tokenizer();
        Assert.Throws<ArgumentException>(() => TextDataset.Encode(["x"], tokenizer, OptionsFor(tokenizer, 24) with { VocabularySize = 999 }));
    }
}
