using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace VaeCreative.Host.Server.Api;

/// <summary>
/// Reads JSON bodies with the host's limits and explains what is wrong in the API's terms (field names, JSON kinds),
/// never in .NET's (no type names): the body is read in full within <see cref="ServerOptions.BodyTimeout"/>, checked to
/// be UTF-8, parsed, checked field by field against the request type (unknown and duplicate fields, lone surrogates),
/// then bound. Every refusal is a <see cref="ProblemException"/> (400, or 408, 413 and 415 on the wire).
/// </summary>
public static class RequestBody
{
    private static readonly JsonSerializerOptions Json = new(Client.HostConnection.JsonOptions)
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        // Its own resolver: copied from options not yet used, the resolver is null and GetTypeInfo throws
        // NotSupportedException (the fuzz campaign, which parses before anything else serializes, met it first).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// The body as <typeparamref name="T"/>; 413 past the body limit, 415 when not sent as JSON, 408 when it does not
    /// arrive in time, 400 when it cannot be read or is not valid JSON for <typeparamref name="T"/>.
    /// </summary>
    public static async Task<T> Read<T>(HttpContext context, ServerOptions options) where T : class
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxBodyBytes)
            throw Problems.LimitExceeded($"the body is {request.ContentLength} bytes; this host's limit is {options.MaxBodyBytes}.", 413);
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (request.ContentLength == 0 || !canHaveBody)
            throw Problems.BadRequest("the body is empty; send a JSON object ({} takes every default).");
        if (!request.HasJsonContentType())
            throw Problems.BadRequest(request.ContentType is { Length: > 0 } type
                ? $"send the body as JSON with 'Content-Type: application/json' (got '{type}')."
                : "send the body as JSON with 'Content-Type: application/json' (the request has no Content-Type).", 415);
        var bytes = await ReadAll(context, options);
        return Parse<T>(bytes);
    }

    /// <summary>The whole body, or a problem naming what went wrong on the wire.</summary>
    private static async Task<byte[]> ReadAll(HttpContext context, ServerOptions options)
    {
        using var deadline = new CancellationTokenSource(options.BodyTimeout);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        var length = context.Request.ContentLength;
        using var buffer = new MemoryStream(length is { } n ? (int)n : 4096);
        try
        {
            await context.Request.Body.CopyToAsync(buffer, cancel.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw Problems.RequestTimeout($"the body did not arrive in full within {options.BodyTimeout.TotalSeconds:0.#} s.");
        }
        catch (BadHttpRequestException e)
        {
            throw Problems.FromUnreadableBody(e, options.MaxBodyBytes);
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            throw Problems.BadRequest($"the connection failed while the body was arriving ({e.Message.TrimEnd('.')}).");
        }
        return buffer.ToArray();
    }

    /// <summary>Parses <paramref name="body"/> as <typeparamref name="T"/>; 400 problems in the API's terms.</summary>
    public static T Parse<T>(byte[] body) where T : class
    {
        var info = Json.GetTypeInfo(typeof(T));
        if (!Utf8.IsValid(body)) throw Problems.BadRequest(NotUtf8(body));
        JsonDocument document;
        try { document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e)
        {
            var reason = e.Message.Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd('.', ' ');
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw Problems.BadRequest($"the body is not valid JSON{where}: {reason}.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Problems.BadRequest($"the body must be a JSON object with the fields {FieldList(info)}; got {Kind(root)}.");
            Check(root, info, "");
            try
            {
                return root.Deserialize<T>(Json) ?? throw Problems.BadRequest("the body must be a JSON object.");
            }
            catch (JsonException e)
            {
                throw Problems.BadRequest(Explain(e.Path, root, info));
            }
        }
    }

    /// <summary>
    /// Walks the whole document before it is bound: refuses fields the request type does not have (at any depth),
    /// naming the ones it has; a field or map key given twice (fields are matched without regard to case, as they are
    /// bound); and strings or names holding a lone surrogate escape (<c>"\ud800"</c>), which no .NET string can carry.
    /// </summary>
    /// <param name="element">The value at <paramref name="path"/>.</param>
    /// <param name="info">The type bound there, or null where the request types say nothing (values of other kinds are explained when bound).</param>
    /// <param name="path">The value's field path (<c>seed.properties</c>), empty at the root.</param>
    private static void Check(JsonElement element, JsonTypeInfo? info, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var fields = info is { Kind: JsonTypeInfoKind.Object };
                var map = info is { Kind: JsonTypeInfoKind.Dictionary };
                var seen = new HashSet<string>(fields ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = Name(property, path);
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!seen.Add(name))
                        throw Problems.BadRequest(map
                            ? $"duplicate key '{child}'; send each key once."
                            : $"duplicate field '{child}'; send each field once{(fields && !seen.Contains(name, StringComparer.Ordinal) ? " (names are matched without regard to case)" : "")}.");
                    JsonTypeInfo? childInfo = null;
                    if (fields)
                    {
                        var field = Find(info!, name) ?? throw Problems.BadRequest(
                            $"unknown field '{child}'; the fields{(path.Length == 0 ? "" : $" of '{path}'")} are {FieldList(info!)}.");
                        child = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
                        childInfo = Json.GetTypeInfo(Nullable.GetUnderlyingType(field.PropertyType) ?? field.PropertyType);
                    }
                    else if (map) childInfo = Json.GetTypeInfo(info!.ElementType!);
                    Check(property.Value, childInfo, child);
                }
                break;
            case JsonValueKind.Array:
                var items = info is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } type } ? Json.GetTypeInfo(type) : null;
                var index = 0;
                foreach (var item in element.EnumerateArray()) Check(item, items, $"{path}[{index++}]");
                break;
            case JsonValueKind.String:
                try { element.GetString(); }
                catch (InvalidOperationException) { throw Problems.BadRequest($"`{path}` {LoneSurrogate}."); }
                break;
        }
    }

    private const string LoneSurrogate = "holds a lone surrogate (\\uD800–\\uDFFF without its pair); strings must be Unicode text";

    /// <summary>A property's name, or a 400 when it holds a lone surrogate.</summary>
    private static string Name(JsonProperty property, string path)
    {
        try { return property.Name; }
        catch (InvalidOperationException) { throw Problems.BadRequest($"a field name{(path.Length == 0 ? "" : $" in `{path}`")} {LoneSurrogate}."); }
    }

    /// <summary>Where <paramref name="body"/> stops being UTF-8, as the JSON errors say where (line and byte, from 1).</summary>
    private static string NotUtf8(byte[] body)
    {
        var at = 0;
        while (at < body.Length && Rune.DecodeFromUtf8(body.AsSpan(at), out _, out var used) == System.Buffers.OperationStatus.Done) at += used;
        var lineStart = at == 0 ? 0 : body.AsSpan(0, at).LastIndexOf((byte)'\n') + 1;
        var line = 1 + body.AsSpan(0, at).Count((byte)'\n');
        return $"the body is not valid UTF-8 (line {line}, byte {at - lineStart + 1}: 0x{body[Math.Min(at, body.Length - 1)]:X2}); JSON must be UTF-8 text, without overlong or surrogate encodings.";
    }

    /// <summary>"`count` must be a whole number …; got "three"." from the failing JSON path.</summary>
    private static string Explain(string? path, JsonElement root, JsonTypeInfo info)
    {
        var element = root;
        JsonPropertyInfo? field = null;
        var names = new List<string>();
        foreach (var segment in Segments(path))
        {
            if (info.Kind == JsonTypeInfoKind.Dictionary && element.ValueKind == JsonValueKind.Object && info.ElementType is { } valueType)
            {
                // A map's key (properties): the value must be of the map's value type.
                var entry = element.EnumerateObject().FirstOrDefault(p => p.Name == segment);
                if (entry.Value.ValueKind == JsonValueKind.Undefined) break;
                return $"`{string.Join('.', names.Append(segment))}` must be {Describe(valueType).Replace(" or null", "", StringComparison.Ordinal)}; got {Shown(entry.Value)}.";
            }
            if (info.Kind != JsonTypeInfoKind.Object || element.ValueKind != JsonValueKind.Object) break;
            field = Find(info, segment);
            if (field is null) break;
            var value = element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
            if (value.Value.ValueKind == JsonValueKind.Undefined) break;
            names.Add(field.Name);
            element = value.Value;
            info = Json.GetTypeInfo(Nullable.GetUnderlyingType(field.PropertyType) ?? field.PropertyType);
        }
        if (field is null || names.Count == 0) return "the body does not match this endpoint's fields.";
        return $"`{string.Join('.', names)}` must be {Describe(field.PropertyType)}; got {Shown(element)}.";
    }

    /// <summary>The property names of a System.Text.Json path such as <c>$.seed.midi</c> or <c>$['odd name']</c>.</summary>
    private static IEnumerable<string> Segments(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$') yield break;
        var at = 1;
        while (at < path.Length)
        {
            if (path[at] == '.')
            {
                var end = path.IndexOfAny(['.', '['], at + 1);
                if (end < 0) end = path.Length;
                yield return path[(at + 1)..end];
                at = end;
            }
            else if (path.AsSpan(at).StartsWith("['"))
            {
                var end = path.IndexOf("']", at, StringComparison.Ordinal);
                if (end < 0) yield break;
                yield return path[(at + 2)..end];
                at = end + 2;
            }
            else yield break; // an array index: the request types have no arrays
        }
    }

    private static JsonPropertyInfo? Find(JsonTypeInfo info, string name) =>
        info.Kind == JsonTypeInfoKind.Object ? info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) : null;

    private static string FieldList(JsonTypeInfo info) => string.Join(", ", info.Properties.Select(p => p.Name));

    private static string Describe(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type);
        var orNull = inner is not null || !type.IsValueType ? " or null" : "";
        type = inner ?? type;
        var what = Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 => $"a whole number from {int.MinValue} to {int.MaxValue}",
            TypeCode.Int64 => $"a whole number from {long.MinValue} to {long.MaxValue}",
            TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number",
            TypeCode.String => "a string",
            TypeCode.Boolean => "true or false",
            _ => Json.GetTypeInfo(type) switch
            {
                { Kind: JsonTypeInfoKind.Object } info => $"an object with the fields {FieldList(info)}",
                { Kind: JsonTypeInfoKind.Dictionary, ElementType: { } values } => $"an object whose values are {Describe(values).Replace(" or null", "", StringComparison.Ordinal)}s".Replace("a strings", "strings", StringComparison.Ordinal),
                _ => "a JSON value of another kind",
            },
        };
        return what + orNull;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };

    private static string Shown(JsonElement element)
    {
        var raw = element.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "…";
    }
}
