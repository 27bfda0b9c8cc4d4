namespace VaeCreative.Core.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="Last">The final step's figures.</param>
/// <param name="Validation">The last validation figures, when there was a validation set.</param>
/// <param name="Elapsed">Wall time of this run (since start or resume).</param>
public sealed record TrainingResult(TrainingProgress Last, EvaluationResult? Validation, TimeSpan Elapsed);
