using System.Globalization;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Host.Server.Api;

/// <summary>
/// What a generation request will produce, checked against the host's limits before any work starts: its model rows
/// (<see cref="ServerOptions.MaxRequestRows"/>), its output pixels (<see cref="ServerOptions.MaxOutputPixels"/>) and
/// the most bytes its answer can take (<see cref="ServerOptions.MaxResponseBytes"/>). Outputs are drawn at their seed's
/// size, so a small seed file (a 693-byte JPEG declaring 4096 × 4096) can ask for gigabytes; the count alone does
/// not bound that.
/// </summary>
public static class RequestCost
{
    /// <summary>JSON around one output (its media type, properties and field names), beyond its data.</summary>
    private const long OutputEnvelopeBytes = 1_024;

    /// <summary>
    /// Throws a limit-exceeded problem naming the limit when <paramref name="outputs"/> outputs drawn from
    /// <paramref name="seed"/> (the request field <paramref name="field"/>) would go over one of <paramref name="limits"/>.
    /// </summary>
    public static void Check(int outputs, PreparedSeed seed, string field, ServerOptions limits)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(limits);
        var rows = (long)outputs * seed.Rows;
        if (rows > limits.MaxRequestRows)
            throw Problems.LimitExceeded(Say(
                $"{outputs} outputs of '{field}' ({seed.Extent}) are {rows:N0} model rows; this host's limit per request is {limits.MaxRequestRows:N0} (serve --max-request-rows). Ask for fewer outputs or send a shorter seed."));
        var pixels = outputs * seed.OutputPixels;
        if (pixels > limits.MaxOutputPixels)
            throw Problems.LimitExceeded(Say(
                $"{outputs} outputs at the size of '{field}' ({seed.OutputPixels:N0} pixels each) are {pixels:N0} pixels; this host's limit per request is {limits.MaxOutputPixels:N0} pixels (serve --max-output-pixels). Ask for fewer outputs or send a smaller image."));
        var bytes = outputs * ResponseBytes(seed.MaxOutputBytes);
        if (bytes > limits.MaxResponseBytes)
            throw Problems.LimitExceeded(Say(
                $"{outputs} outputs of '{field}' can take up to {bytes:N0} bytes in the answer; this host's limit is {limits.MaxResponseBytes:N0} bytes (serve --max-response-bytes). Ask for fewer outputs or send a smaller seed."));
    }

    /// <summary>Most bytes one output of <paramref name="dataBytes"/> takes in the JSON answer: base64 (4 characters per 3 bytes) and its envelope.</summary>
    public static long ResponseBytes(long dataBytes) => (dataBytes + 2) / 3 * 4 + OutputEnvelopeBytes;

    private static string Say(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
