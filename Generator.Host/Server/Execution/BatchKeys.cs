using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;

namespace VaeCreative.Host.Server.Execution;

/// <summary>
/// Which work items may share a model pass (<see cref="WorkItem.BatchKey"/>): requests of one operation on one loaded
/// model (its directory and precision). Endpoints and augment jobs use the same keys, so a job's requests share passes
/// with interactive ones.
/// </summary>
public static class BatchKeys
{
    /// <summary>Variations.</summary>
    public const string Vary = "vary";

    /// <summary>Interpolations.</summary>
    public const string Interpolate = "interpolate";

    /// <summary>Prior samples.</summary>
    public const string Sample = "sample";

    /// <summary>The key of <paramref name="operation"/> on <paramref name="generator"/>'s model at <paramref name="precision"/>.</summary>
    public static string Of(string operation, InferencePrecision precision, IMaterialGenerator generator) =>
        $"{operation}|{precision}|{generator.Model.Directory}";
}
