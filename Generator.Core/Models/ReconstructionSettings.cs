using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>Training-time options for <see cref="IVaeModel.Reconstruct"/>.</summary>
/// <param name="ScheduledSamplingRate">Probability of feeding the model's own sample instead of the true previous element (0 = pure teacher forcing).</param>
/// <param name="Generator">Random source for scheduled sampling.</param>
public sealed record ReconstructionSettings(double ScheduledSamplingRate = 0.0, Generator? Generator = null)
{
    /// <summary>Pure teacher forcing.</summary>
    public static ReconstructionSettings TeacherForced { get; } = new();
}
