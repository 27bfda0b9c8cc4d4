using System.Diagnostics;
using Xunit.Abstractions;

namespace VaeCreative.Tests.Host.Server.Api;

/// <summary>
/// The short, seeded run of the JSON-body fuzzer (the long campaign is bench/fuzz.sh --target request-body): every
/// mutated or generated body parses as each request type or is refused with a 400 bad-request in the API's terms
/// (<see cref="RequestBodyOracle"/>), in bounded time.
/// </summary>
public class RequestBodyFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 3_000;

    [Fact]
    public void Mutated_bodies_parse_or_are_refused_as_bad_requests()
    {
        var mutator = new JsonBodyMutator(JsonBodyMutator.DefaultSeeds());
        var random = new Random(20261207);
        var outcomes = new Dictionary<string, int>();
        var slowest = 0.0;
        for (var i = 0; i < Inputs; i++)
        {
            var input = mutator.Next(random);
            Assert.True(input.Length <= JsonBodyMutator.MaxInputBytes);
            var clock = Stopwatch.StartNew();
            string outcome;
            try { outcome = RequestBodyOracle.Parse(input); }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
                return;
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")) + $"; slowest {slowest:F1} ms");
        Assert.True(slowest < 2_000, $"slowest input took {slowest:F0} ms");
        // The mutations reach every stage: some bodies still bind, and each kind of refusal answers.
        Assert.True(outcomes.Where(kv => kv.Key.Contains("ok", StringComparison.Ordinal)).Sum(kv => kv.Value) > Inputs / 20, "too few bodies still bind");
        foreach (var kind in new[] { "not UTF-8", "not JSON", "unknown field", "duplicate field", "lone surrogate", "wrong kind" })
            Assert.True(outcomes.Keys.Any(k => k.Contains(kind, StringComparison.Ordinal)), $"no input was refused as '{kind}': " + string.Join(", ", outcomes.Keys));
        Assert.DoesNotContain(outcomes.Keys, k => k.Contains("other:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_mutator_is_deterministic_for_a_seed()
    {
        var a = new JsonBodyMutator(JsonBodyMutator.DefaultSeeds());
        var b = new JsonBodyMutator(JsonBodyMutator.DefaultSeeds());
        Random ra = new(5), rb = new(5);
        for (var i = 0; i < 200; i++) Assert.Equal(a.Next(ra), b.Next(rb));
    }
}
