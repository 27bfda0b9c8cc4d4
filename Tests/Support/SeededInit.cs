using TorchSharp;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Support;

/// <summary>
/// Repeatable seeded model initialisation for tests that build "the same" model twice. TorchSharp's modules draw their
/// initial weights from libtorch's one global generator, which every thread shares: while one test does
/// <c>manual_seed(s); new Model()</c>, a test on another thread that loads or builds a model draws from the same
/// generator, and the two "identical" models differ (seen: a resume test failing once in CI). So the first module
/// built for a key and seed is taken under a lock right after <c>manual_seed</c>, its state is kept, and every module
/// asked for later gets a copy of that state. The lock is the product's own (<see cref="TorchRuntime.GlobalGeneratorGate"/>),
/// which model loading and seeded training builds take too.
/// </summary>
internal static class SeededInit
{
    private static readonly Dictionary<string, (string Name, Tensor Value)[]> States = new(StringComparer.Ordinal);

    /// <summary>A module from <paramref name="create"/> holding the initial state of the first one built for <paramref name="key"/> and <paramref name="seed"/>.</summary>
    public static T Create<T>(string key, long seed, Func<T> create) where T : nn.Module
    {
        (string Name, Tensor Value)[]? state;
        lock (TorchRuntime.GlobalGeneratorGate)
        {
            if (!States.TryGetValue($"{key}/{seed}", out state))
            {
                manual_seed(seed);
                using var first = create();
                state = first.state_dict().Select(kv => (kv.Key, kv.Value.detach().clone().DetachFromDisposeScope())).ToArray();
                States[$"{key}/{seed}"] = state;
            }
        }
        var model = create();
        var target = model.state_dict();
        using (no_grad())
            foreach (var (name, value) in state)
                target[name].copy_(value);
        return model;
    }
}
