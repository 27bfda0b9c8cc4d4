namespace VaeCreative.Core.Training;

/// <summary>
/// One line of a run's <see cref="TrainingRun.MetricsFile"/>: a training step's figures, or (with
/// <see cref="IsValidation"/>) the held-out figures measured after that step. A figure the line lacks, or logged as
/// null or non-finite, is null.
/// </summary>
/// <param name="Step">Optimiser steps done (1 after the first).</param>
/// <param name="IsValidation">Whether the line holds validation figures (<c>"split": "validation"</c>).</param>
/// <param name="Loss">The minimised loss in nats per example (training lines only).</param>
/// <param name="ReconstructionNats">Reconstruction NLL in nats per example.</param>
/// <param name="KlNats">KL to the prior in nats per example.</param>
/// <param name="ElboNats">Negative ELBO (reconstruction plus KL) in nats per example.</param>
/// <param name="Accuracy">Teacher-forced token accuracy (0–1); null for models with continuous outputs.</param>
/// <param name="Beta">The KL weight β of the step (training lines only).</param>
public sealed record MetricsEntry(
    long Step,
    bool IsValidation,
    double? Loss,
    double? ReconstructionNats,
    double? KlNats,
    double? ElboNats,
    double? Accuracy,
    double? Beta);
