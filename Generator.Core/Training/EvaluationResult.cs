namespace VaeCreative.Core.Training;

/// <summary>Figures over a held-out set, all per example, with z = μ.</summary>
/// <param name="Examples">Examples evaluated.</param>
/// <param name="ElboNats">Negative ELBO (reconstruction + KL), nats per example.</param>
/// <param name="ReconstructionNats">Reconstruction NLL, nats per example.</param>
/// <param name="KlNats">KL, nats per example.</param>
/// <param name="AccuracyTeacherForced">Per-element accuracy with teacher forcing, or null.</param>
/// <param name="AccuracySampled">Per-element accuracy of the argmax autoregressive decode from μ, or null when not measured.</param>
public sealed record EvaluationResult(long Examples, double ElboNats, double ReconstructionNats, double KlNats, double? AccuracyTeacherForced, double? AccuracySampled = null);
