using System.Text;
using System.Text.Json.Nodes;
using VaeCreative.Core.Training;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Unicode;

namespace VaeCreative.Text.Corpus;

/// <summary>
/// The snippets of a text file or of every text file under a folder, split into training and held-out snippets.
/// Files are plain text (one snippet per non-empty line) or fortune files (<see cref="TextFormat.Fortune"/>, found by
/// their <c>%</c> lines). Snippets are NFC; those longer than the model's longest are cut by
/// <see cref="SnippetSplitter"/>. A snippet is held out by a stable hash of its text (<see cref="IsHeldOut"/>), so
/// identical snippets always land on the same side.
/// A folder must be a plausible corpus (<see cref="TrainingDataFolder"/>) and is listed within
/// <see cref="MaxFiles"/> and <see cref="MaxEntries"/>; links are not followed, hidden files and folders are not
/// read, and files that are not UTF-8 text (a fortune file's <c>.dat</c> index, binaries) are skipped with the reason.
/// </summary>
public sealed class TextCorpus : TrainingCorpus
{
    /// <summary>Most files a corpus folder may hold.</summary>
    public const int MaxFiles = 100_000;

    /// <summary>Most files and folders looked at while listing a corpus folder (a wrong folder is refused in seconds).</summary>
    public const int MaxEntries = 250_000;

    /// <summary>Largest file read (64 MiB); larger files are skipped with the reason.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Most text read in all (512 MiB): more is refused rather than held in memory.</summary>
    public const long MaxTotalBytes = 512L << 20;

    /// <summary>Shortest longest-snippet a model may ask for.</summary>
    public const int MinSnippetChars = 16;

    private const string LinkReason = "a symbolic link (not followed)";
    private const string IndexReason = "a fortune index (strfile's .dat beside its text file)";
    private const string HiddenFileReason = "a hidden file";
    private const string HiddenFolderReason = "a hidden folder";

    /// <summary>The rule <see cref="IsHeldOut"/> applies, for the manifest.</summary>
    public const string SplitRule = "held out when FNV-1a-32 of the snippet's UTF-16 code units mod 10000 < validation fraction × 10000";

    private TextCorpus(List<string> train, List<string> validation, List<TextCorpusFile> files, List<SkippedFile> skipped,
        double validationFraction, int maxSnippetChars, int splitSnippets)
    {
        Train = train;
        Validation = validation;
        Files = files;
        Skipped = skipped;
        ValidationFraction = validationFraction;
        MaxSnippetChars = maxSnippetChars;
        SplitSnippets = splitSnippets;
    }

    /// <summary>Training snippets, in file order.</summary>
    public IReadOnlyList<string> Train { get; }

    /// <summary>Held-out snippets, in file order.</summary>
    public IReadOnlyList<string> Validation { get; }

    /// <summary>The files read, in ordinal order of their paths.</summary>
    public IReadOnlyList<TextCorpusFile> Files { get; }

    /// <summary>Files and folders not read, with the reason.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    /// <summary>The fraction of snippets held out.</summary>
    public double ValidationFraction { get; }

    /// <summary>The longest snippet kept whole.</summary>
    public int MaxSnippetChars { get; }

    /// <summary>How many snippets were longer than <see cref="MaxSnippetChars"/> and cut.</summary>
    public int SplitSnippets { get; }

    /// <inheritdoc />
    public override string Summary =>
        $"{Files.Count:N0} text files ({Files.Count(f => f.Format == TextFormat.Fortune):N0} fortune, {Files.Count(f => f.Format == TextFormat.Plain):N0} plain): " +
        $"{Train.Count:N0} training and {Validation.Count:N0} held-out snippets ({ValidationFraction * 100:0.#}% by a hash of the text)" +
        (SplitSnippets > 0 ? $"; {SplitSnippets:N0} snippets over {MaxSnippetChars:N0} characters cut at sentence ends" : "") +
        (Skipped.Count > 0 ? $"; {Skipped.Count:N0} files skipped" : "");

    /// <inheritdoc />
    public override JsonObject Describe()
    {
        string Relative(string path) => File.Exists(Source) ? Path.GetFileName(path) : Path.GetRelativePath(Source, path).Replace('\\', '/');
        return new JsonObject
        {
            ["source"] = Source,
            ["files"] = new JsonArray(Files.Select(f => (JsonNode)new JsonObject
            {
                ["path"] = Relative(f.Path), ["format"] = f.Format.ToString().ToLowerInvariant(), ["snippets"] = f.Snippets, ["validation"] = f.Validation,
            }).ToArray()),
            ["snippets"] = new JsonObject { ["train"] = Train.Count, ["validation"] = Validation.Count },
            ["chars"] = new JsonObject { ["train"] = Train.Sum(s => (long)s.Length), ["validation"] = Validation.Sum(s => (long)s.Length) },
            ["validation_fraction"] = ValidationFraction,
            ["split"] = SplitRule,
            ["max_snippet_chars"] = MaxSnippetChars,
            ["split_snippets"] = SplitSnippets,
            ["skipped"] = new JsonArray(Skipped.Select(s => (JsonNode)new JsonObject { ["path"] = Relative(s.Path), ["reason"] = s.Reason }).ToArray()),
        };
    }

    /// <summary>True when <paramref name="snippet"/> belongs to the held-out fraction: the same answer in every process.</summary>
    public static bool IsHeldOut(string snippet, double validationFraction) =>
        StableSplit.IsHeldOut(StableSplit.Hash(snippet), validationFraction);

    /// <summary>
    /// Reads the file or folder at <paramref name="path"/>. Throws <see cref="ArgumentOutOfRangeException"/> for a
    /// fraction outside [0, 1) or a <paramref name="maxSnippetChars"/> outside [<see cref="MinSnippetChars"/>,
    /// <see cref="SnippetText.MaxChars"/>], and <see cref="TrainingDataException"/> when the path does not exist, is
    /// not a plausible corpus, or gives no training snippet.
    /// </summary>
    public static TextCorpus Load(string path, double validationFraction, int maxSnippetChars, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(log);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be at least 0 and below 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSnippetChars, MinSnippetChars);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSnippetChars, SnippetText.MaxChars);
        var skipped = new List<SkippedFile>();
        IReadOnlyList<string> paths;
        var single = File.Exists(path);
        if (single) paths = [path];
        else if (Directory.Exists(path)) paths = List(path, MaxFiles, MaxEntries, skipped);
        else throw new TrainingDataException($"training data '{path}' does not exist (pass a text file or a folder of them).");

        var train = new List<string>();
        var validation = new List<string>();
        var files = new List<TextCorpusFile>();
        var split = 0;
        long total = 0;
        foreach (var file in paths)
        {
            if (Read(file, skipped, ref total) is not { } text) continue;
            var format = IsFortune(text) ? TextFormat.Fortune : TextFormat.Plain;
            int snippets = 0, heldOut = 0;
            foreach (var raw in format == TextFormat.Fortune ? FortuneSnippets(text) : PlainSnippets(text))
            {
                var normalized = Nfc.Normalize(raw);
                var pieces = SnippetSplitter.Split(normalized, maxSnippetChars);
                if (pieces.Count > 1) split++;
                foreach (var snippet in pieces)
                {
                    var held = IsHeldOut(snippet, validationFraction);
                    (held ? validation : train).Add(snippet);
                    snippets++;
                    if (held) heldOut++;
                }
            }
            files.Add(new TextCorpusFile(file, format, snippets, heldOut));
        }
        // Links, fortune indexes and hidden entries are expected in a corpus folder: counted in the summary, not logged.
        foreach (var s in skipped.Where(s => s.Reason is not (LinkReason or IndexReason or HiddenFileReason or HiddenFolderReason)))
            log($"skipped {s.Path}: {s.Reason}");
        if (train.Count == 0)
        {
            var why = files.Count == 0
                ? skipped.Count == 0 ? "it holds no files" : $"none of its {skipped.Count:N0} files is UTF-8 text ({skipped[0].Path}: {skipped[0].Reason})"
                : $"its {files.Count:N0} text files give {validation.Count:N0} snippets, none left for training";
            throw new TrainingDataException($"'{path}' has no text snippets to train on: {why}.");
        }
        var corpus = new TextCorpus(train, validation, files, skipped, validationFraction, maxSnippetChars, split) { Source = Path.GetFullPath(path) };
        return corpus;
    }

    /// <summary>True when some line of <paramref name="text"/> is exactly <c>%</c> (a fortune file's separator).</summary>
    internal static bool IsFortune(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
            if (line is "%" || line is "%\r") return true;
        return false;
    }

    /// <summary>A fortune file's snippets: the text between <c>%</c> lines, line wraps joined with single spaces.</summary>
    internal static IEnumerable<string> FortuneSnippets(string text)
    {
        var current = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var content = line.TrimEnd('\r');
            if (content == "%")
            {
                if (Join(current) is { Length: > 0 } snippet) yield return snippet;
                current.Clear();
                continue;
            }
            current.Append(content).Append('\n');
        }
        if (Join(current) is { Length: > 0 } last) yield return last;
    }

    /// <summary>
    /// A fortune's lines as one line: each run of white space that holds a line break becomes one space (hard wraps
    /// and indentation are layout; the CLI prints one snippet per line), other white space is kept.
    /// </summary>
    private static string Join(StringBuilder lines)
    {
        var text = lines.ToString().Trim();
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                result.Append(text[i++]);
                continue;
            }
            var j = i;
            var hasBreak = false;
            while (j < text.Length && char.IsWhiteSpace(text[j])) hasBreak |= text[j++] is '\n' or '\r';
            if (hasBreak) result.Append(' ');
            else result.Append(text, i, j - i);
            i = j;
        }
        return result.ToString();
    }

    /// <summary>A plain file's snippets: its non-empty lines, trimmed.</summary>
    internal static IEnumerable<string> PlainSnippets(string text)
    {
        foreach (var line in text.Split('\n'))
            if (line.Trim() is { Length: > 0 } snippet) yield return snippet;
    }

    /// <summary>The file's text, or null (with the reason added to <paramref name="skipped"/>) when it is not UTF-8 text.</summary>
    private static string? Read(string file, List<SkippedFile> skipped, ref long total)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(file).Length;
            if (length > MaxFileBytes)
            {
                skipped.Add(new SkippedFile(file, $"over {MaxFileBytes >> 20} MiB ({length:N0} bytes)"));
                return null;
            }
            if ((total += length) > MaxTotalBytes)
                throw new TrainingDataException($"the training text is over {MaxTotalBytes >> 20} MiB, the most a corpus may hold; pass a smaller file or folder.");
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            skipped.Add(new SkippedFile(file, $"cannot be read ({e.Message})"));
            return null;
        }
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            skipped.Add(new SkippedFile(file, $"not text (a NUL byte at offset {nul})"));
            return null;
        }
        try { return SnippetText.DecodeUtf8(bytes, Path.GetFileName(file)); }
        catch (TextReadException e)
        {
            skipped.Add(new SkippedFile(file, e.Message));
            return null;
        }
    }

    /// <summary>The files under <paramref name="folder"/> to read, within the limits (tests pass small ones), in ordinal order.</summary>
    /// <remarks>Links, hidden entries and fortune indexes are skipped and reported; so are folders that cannot be listed.</remarks>
    internal static IReadOnlyList<string> List(string folder, int maxFiles, int maxEntries, List<SkippedFile> skipped)
    {
        if (TrainingDataFolder.Implausible(folder) is { } what)
            throw new TrainingDataException($"'{folder}' is {what}, not a folder of text files; pass the folder that holds your text or fortune files.");
        var listing = CorpusFolder.List(folder, new CorpusListOptions
        {
            MaxFiles = maxFiles,
            MaxEntries = maxEntries,
            FilesNoun = "files",
            TooManyEntriesHint = $"pass the folder that holds your text files (at most {maxFiles:N0}).",
            Skip = entry =>
                (entry.Attributes & FileAttributes.ReparsePoint) != 0 ? LinkReason
                : entry.Name.StartsWith('.') ? (entry is DirectoryInfo ? HiddenFolderReason : HiddenFileReason)
                : entry is FileInfo && entry.Name.EndsWith(".dat", StringComparison.OrdinalIgnoreCase) && File.Exists(entry.FullName[..^4]) ? IndexReason
                : null,
        });
        skipped.AddRange(listing.Skipped.Concat(listing.Unreadable).OrderBy(s => s.Path, StringComparer.Ordinal));
        return listing.Files;
    }
}
