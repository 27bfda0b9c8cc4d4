using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>
/// Starts a new model from a trained one: every module whose parameters all match in name and shape is copied, the
/// rest keep their seeded initialisation. A 16-bar hierarchical melody model, for instance, takes its bottom decoder (the one that
/// writes each bar) from the 2-bar model, whose decoder has the same inputs and sizes, so its hour goes into the
/// conductor and encoder rather than into learning what a bar of melody looks like again.
/// </summary>
public static class WarmStart
{
    /// <summary>
    /// Copies the matching parameters of the model in <paramref name="sourceDirectory"/> (built with
    /// <paramref name="kinds"/>) into <paramref name="target"/>.
    /// </summary>
    /// <returns>What was copied, for the run's log.</returns>
    /// <exception cref="ModelLoadException">The source is not a loadable model of <paramref name="modality"/>, or has no module in common with the target.</exception>
    public static WarmStartSummary Apply(IVaeModel target, string sourceDirectory, string modality, ModelKindRegistry kinds)
    {
        var (source, _) = ModelDirectory.Load(sourceDirectory, CPU, kinds, modality);
        using (source)
        {
            var available = source.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
            var copied = new List<string>();
            long weights = 0, total = 0;
            // Whole modules or nothing: a layer whose bias fits but whose weight does not is a different layer.
            var modules = target.Module.named_parameters().GroupBy(p => ModuleOf(p.name), StringComparer.Ordinal);
            using (no_grad())
            {
                foreach (var module in modules)
                {
                    total += module.Sum(p => p.parameter.numel());
                    if (!module.All(p => available.TryGetValue(p.name, out var from) && from.shape.SequenceEqual(p.parameter.shape))) continue;
                    foreach (var (name, parameter) in module)
                    {
                        parameter.copy_(available[name]);
                        copied.Add(name);
                        weights += parameter.numel();
                    }
                }
            }
            if (copied.Count == 0)
                throw new ModelLoadException($"the model in '{sourceDirectory}' ({source.Kind}) has no module whose parameters match the {target.Kind} being trained in name and shape, so it cannot start it.");
            return new WarmStartSummary(sourceDirectory, copied, weights, total);
        }
    }

    /// <summary>The module a parameter belongs to: its name without the last part (<c>decoder.weight_ih_l0</c> → <c>decoder</c>).</summary>
    internal static string ModuleOf(string parameter) => parameter.LastIndexOf('.') is var dot and > 0 ? parameter[..dot] : "";
}
