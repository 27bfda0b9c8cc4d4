using VaeCreative.Tests.Support;
using VaeCreative.Text.Tokenization;

namespace VaeCreative.Tests.Text.Tokenization;

/// <summary>
/// One tiny tokenizer (vocabulary 512) trained on <see cref="Snippets"/> by spm_train, shared by the tests of a class:
/// a few hundred seeded English lines and some lines in other scripts, so merges, characters and byte fallback all occur.
/// </summary>
public sealed class TokenizerFixture : IDisposable
{
    public const int Vocabulary = 512;

    private readonly TempDir dir = new();

    public TokenizerFixture()
    {
        Snippets = MakeSnippets();
        ModelPath = dir.File(TextTokenizer.FileName);
        Tokenizer = TextTokenizer.Train(Snippets, ModelPath, Vocabulary, _ => { });
        Bytes = File.ReadAllBytes(ModelPath);
    }

    public IReadOnlyList<string> Snippets { get; }

    public string ModelPath { get; }

    public TextTokenizer Tokenizer { get; }

    public byte[] Bytes { get; }

    public string Folder => dir.Path;

    /// <summary>300 seeded English lines and lines in other scripts (deterministic).</summary>
    public static IReadOnlyList<string> MakeSnippets()
    {
        string[] words =
        [
            "the", "a", "tattered", "banner", "flaps", "over", "gate", "old", "wizard", "sleeps", "under", "bridge", "river", "runs",
            "cold", "and", "dark", "through", "forest", "where", "wolves", "howl", "at", "moon", "knight", "rides", "north", "with",
            "sword", "shield", "lantern", "flickers", "in", "tower", "window", "rain", "falls", "on", "quiet", "village", "tonight",
        ];
        var random = new Random(7);
        var lines = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var n = 3 + random.Next(10);
            var line = string.Join(' ', Enumerable.Range(0, n).Select(_ => words[random.Next(words.Length)]));
            lines.Add(char.ToUpperInvariant(line[0]) + line[1..] + (random.Next(4) == 0 ? "!" : "."));
        }
        lines.AddRange(
        [
            "Café au lait, déjà vu, naïve façade.", "Über den Wolken muss die Freiheit wohl grenzenlos sein.",
            "東京の夜は静かです。", "北京欢迎你。", "서울의 밤은 조용하다.", "مرحبا بالعالم", "שלום עולם", "Привет, мир!",
            "Γειά σου κόσμε.", "नमस्ते दुनिया", "The dragon 🐉 sleeps; the family 👩‍👩‍👧 waits.", "\"Quoted,\" she said — “curly” too.",
        ]);
        return lines;
    }

    public void Dispose() => dir.Dispose();
}
