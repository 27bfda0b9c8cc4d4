using System.Text.Json.Nodes;

namespace VaeCreative.Core.Training;

/// <summary>A model kind and its settings, as written to the manifest.</summary>
/// <param name="Kind">Registered model kind, e.g. <c>sequence-vae</c>.</param>
/// <param name="Settings">Its settings (sizes).</param>
/// <param name="Defaults">Optimiser defaults of this shape when they differ from the recipe's <see cref="ITrainingRecipe.Defaults"/> (a kind that trains at another pace); null: the recipe's.</param>
public sealed record ModelShape(string Kind, JsonObject Settings, TrainerOptions? Defaults = null);
