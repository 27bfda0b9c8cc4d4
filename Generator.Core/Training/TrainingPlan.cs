using System.Text.Json.Nodes;
using VaeCreative.Core.Models;

namespace VaeCreative.Core.Training;

/// <summary>What <see cref="ITrainingRecipe.Prepare"/> gives a run.</summary>
/// <param name="Model">The untrained model.</param>
/// <param name="Train">Training examples.</param>
/// <param name="Validation">Held-out examples.</param>
/// <param name="Encoding">The manifest's <c>encoding</c> object.</param>
/// <param name="Corpus">The corpus as the model reads it, when the recipe cut it anew for this model (a 16-bar melody model's windows); null: the corpus loaded.</param>
public sealed record TrainingPlan(IVaeModel Model, ITrainingData Train, ITrainingData Validation, JsonObject Encoding, TrainingCorpus? Corpus = null);
