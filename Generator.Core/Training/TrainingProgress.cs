namespace VaeCreative.Core.Training;

/// <summary>One training step's figures, reported to progress listeners and the metrics log.</summary>
/// <param name="Step">Steps completed (1-based).</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">Optimised objective (nats per example).</param>
/// <param name="ReconstructionNats">Reconstruction NLL per example.</param>
/// <param name="KlNats">KL per example.</param>
/// <param name="Accuracy">Teacher-forced per-element accuracy, or null for continuous outputs.</param>
/// <param name="Beta">β at this step.</param>
/// <param name="LearningRate">Learning rate at this step.</param>
/// <param name="ExamplesPerSecond">Training throughput averaged since the run (or resume) began.</param>
/// <param name="Validation">Validation figures when this step ran validation.</param>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    double Loss,
    double ReconstructionNats,
    double KlNats,
    double? Accuracy,
    double Beta,
    double LearningRate,
    double ExamplesPerSecond,
    EvaluationResult? Validation);
