namespace VaeCreative.Host.Server.Api;

/// <summary>Per-request ids: the caller's (body or X-Request-Id header) or a new one, echoed in X-Request-Id.</summary>
public static class RequestIds
{
    /// <summary>HttpContext.Items key.</summary>
    public const string ItemKey = "vaecreative.requestId";

    /// <summary>Header name.</summary>
    public const string Header = "X-Request-Id";

    /// <summary>Sets the request's id (validated: 1–128 printable ASCII characters) and echoes it.</summary>
    public static string Assign(HttpContext context, string? fromBody)
    {
        var id = fromBody ?? context.Request.Headers[Header].FirstOrDefault();
        if (id is not null && (id.Length is 0 or > 128 || id.Any(c => c < 0x21 || c > 0x7e)))
            throw Problems.BadRequest("requestId must be 1–128 printable ASCII characters without spaces.");
        id ??= Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        if (!context.Response.HasStarted) context.Response.Headers[Header] = id;
        return id;
    }

    /// <summary>The request's id, assigning a new one when the request has none yet (a valid X-Request-Id header is kept).</summary>
    public static string Current(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var id) && id is string known) return known;
        try { return Assign(context, null); }
        catch (ProblemException) { return Assign(context, Guid.NewGuid().ToString("N")); }
    }
}
