namespace VaeCreative.Core.Runtime;

/// <summary>TorchSharp's native library could not be loaded; the message says what is missing and how to fix it.</summary>
public sealed class TorchUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchUnavailableException(string message, Exception? inner) : base(message, inner) { }
}
