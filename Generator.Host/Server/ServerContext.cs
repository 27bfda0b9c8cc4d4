using VaeCreative.Core.Modalities;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;
using VaeCreative.Host.Server.Jobs;

namespace VaeCreative.Host.Server;

/// <summary>What the endpoints share: settings, the model catalog and store, the modalities, the queue and the jobs (training, augmentation).</summary>
public sealed record ServerContext(
    ServerOptions Options,
    ModelCatalog Catalog,
    ModelStore Store,
    ModalityRegistry Modalities,
    GenerationQueue Queue,
    HostJobs Jobs,
    InferencePrecision Precision);
