using VaeCreative.Audio.Melodies;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;
using VaeCreative.Host.Server.Jobs;

namespace VaeCreative.Host.Server;

/// <summary>What the endpoints share: settings, the model catalog, the queue, the generators and the training jobs.</summary>
public sealed record ServerContext(
    ServerOptions Options,
    ModelCatalog Catalog,
    GenerationQueue Queue,
    MelodyGenerator Melodies,
    TrainingJobs Jobs,
    InferencePrecision Precision);
