using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeCreative.Text.Models;

/// <summary>Writes <see cref="RecurrentCell"/> in manifests as <c>lstm</c> / <c>gru</c>.</summary>
internal sealed class RecurrentCellJsonConverter() : JsonStringEnumConverter<RecurrentCell>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
