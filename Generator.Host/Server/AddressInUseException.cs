using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using VaeCreative.Core.Modalities;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Composition;
using VaeCreative.Host.Server.Api;
using VaeCreative.Host.Server.Catalog;
using VaeCreative.Host.Server.Execution;
using VaeCreative.Host.Server.Jobs;
using VaeCreative.Host.Server.Security;
using VaeCreative.Host.Server.Studio;

namespace VaeCreative.Host.Server;

/// <summary>The address a host was asked to listen on is taken by another program.</summary>
public sealed class AddressInUseException(string url)
    : Exception($"{url} is in use by another program; stop it, or pick another address with --urls (port 0: any free port).")
{
    /// <summary>The address asked for.</summary>
    public string Url { get; } = url;
}
