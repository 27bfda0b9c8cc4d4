// TEMPORARY stand-in for the text-tokenizer branch's Corpus/TextCorpus; deleted once that branch lands.
using System.Text.Json.Nodes;
using VaeCreative.Core.Training;

namespace VaeCreative.Text.Corpus;

/// <summary>Stand-in.</summary>
public sealed class TextCorpus : TrainingCorpus
{
    /// <summary>Stand-in.</summary>
    public required IReadOnlyList<string> Train { get; init; }

    /// <summary>Stand-in.</summary>
    public required IReadOnlyList<string> Validation { get; init; }

    /// <inheritdoc />
    public override string Summary => $"{Train.Count} training and {Validation.Count} held-out snippets";

    /// <inheritdoc />
    public override JsonObject Describe() => new() { ["train"] = Train.Count, ["validation"] = Validation.Count };

    /// <summary>Stand-in: one snippet per non-empty line of a file, every 10th held out when the fraction is above 0.</summary>
    public static TextCorpus Load(string path, double validationFraction, int maxSnippetChars, Action<string> log)
    {
        var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Where(l => l.Length <= maxSnippetChars).ToList();
        var held = validationFraction > 0 ? lines.Where((_, i) => i % 10 == 9).ToList() : [];
        var train = validationFraction > 0 ? lines.Where((_, i) => i % 10 != 9).ToList() : lines;
        if (train.Count == 0) throw new TrainingDataException($"'{path}' holds no snippets.");
        return new TextCorpus { Source = Path.GetFullPath(path), Train = train, Validation = held };
    }
}
