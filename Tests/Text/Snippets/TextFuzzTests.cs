using System.Diagnostics;
using VaeCreative.Tests.Text.Tokenization;
using VaeCreative.Text.Snippets;
using Xunit.Abstractions;

namespace VaeCreative.Tests.Text.Snippets;

/// <summary>
/// The short, seeded run of the text fuzzer (the long campaign is bench/fuzz.sh): every mutated input is read as a
/// seed (<see cref="SnippetText.DecodeUtf8"/>, then <see cref="SnippetText.Check"/>) and either fails with
/// <see cref="TextReadException"/> or gives text that the tokenizer encodes and decodes back exactly.
/// </summary>
public class TextFuzzTests(TokenizerFixture fixture, ITestOutputHelper output) : IClassFixture<TokenizerFixture>
{
    /// <summary>Inputs per run: a few seconds on one core.</summary>
    private const int Inputs = 3_000;

    [Fact]
    public void Mutated_text_reads_and_round_trips_or_fails_with_TextReadException()
    {
        var mutator = new TextMutator(TextMutator.DefaultSeeds());
        var random = new Random(20261125);
        var outcomes = new Dictionary<string, int>();
        var slowest = 0.0;
        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next(random);
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                var text = SnippetText.Check(SnippetText.DecodeUtf8(input, "seed.txt"), "seed");
                var ids = fixture.Tokenizer.Encode(text);
                var back = fixture.Tokenizer.Decode(ids);
                Assert.True(back == text, $"input {i} did not round-trip\ninput (base64): {Convert.ToBase64String(input)}");
                outcome = "ok";
            }
            catch (TextReadException e) { outcome = Kind(e); }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}\n{e}");
                return;
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")) + $"; slowest {slowest:F1} ms");
        // The mutations reach every outcome: plenty still read, and each refusal answers.
        Assert.True(outcomes.GetValueOrDefault("ok") > Inputs / 5, "too few inputs still read: the mutations are too destructive");
        foreach (var kind in new[] { "invalid UTF-8", "NUL", "over the limit", "empty" })
            Assert.True(outcomes.ContainsKey(kind), $"no input was refused as {kind}");
        Assert.True(slowest < 2_000, $"slowest input took {slowest:F0} ms");
    }

    [Fact]
    public void The_mutator_is_deterministic_for_a_seed()
    {
        var a = new TextMutator(TextMutator.DefaultSeeds());
        var b = new TextMutator(TextMutator.DefaultSeeds());
        Random ra = new(5), rb = new(5);
        for (var i = 0; i < 200; i++) Assert.Equal(a.Next(ra), b.Next(rb));
    }

    /// <summary>The kind of refusal, from the message (the exception carries no code).</summary>
    internal static string Kind(TextReadException e) =>
        e.OverLimit ? "over the limit"
        : e.Message.Contains("UTF-8", StringComparison.Ordinal) ? "invalid UTF-8"
        : e.Message.Contains("NUL", StringComparison.Ordinal) ? "NUL"
        : e.Message.Contains("is empty", StringComparison.Ordinal) ? "empty"
        : "other: " + e.Message;
}
