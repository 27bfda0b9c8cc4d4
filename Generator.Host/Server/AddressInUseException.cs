namespace VaeCreative.Host.Server;

/// <summary>The address a host was asked to listen on is taken by another program.</summary>
public sealed class AddressInUseException(string url)
    : Exception($"{url} is in use by another program; stop it, or pick another address with --urls (port 0: any free port).")
{
    /// <summary>The address asked for.</summary>
    public string Url { get; } = url;
}
