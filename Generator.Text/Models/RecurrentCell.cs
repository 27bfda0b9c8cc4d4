using System.Text.Json.Serialization;

namespace VaeCreative.Text.Models;

/// <summary>The recurrent cell of a <see cref="SentenceVae"/>'s encoder and decoder.</summary>
[JsonConverter(typeof(RecurrentCellJsonConverter))]
public enum RecurrentCell
{
    /// <summary>Long short-term memory (Bowman et al. 2016's choice); written <c>lstm</c>.</summary>
    Lstm,

    /// <summary>Gated recurrent unit: three gates instead of four, about a quarter less compute; written <c>gru</c>.</summary>
    Gru,
}
