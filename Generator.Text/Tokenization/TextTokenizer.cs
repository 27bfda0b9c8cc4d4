using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.ML.Tokenizers;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Training;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Unicode;

namespace VaeCreative.Text.Tokenization;

/// <summary>
/// Subword tokenizer of the text models: SentencePiece BPE with byte fallback, trained on the corpus by Debian's
/// <c>spm_train</c> (package <c>sentencepiece</c>) and applied with Microsoft.ML.Tokenizers. Any valid Unicode text
/// encodes without an unknown token (characters outside the vocabulary become their UTF-8 bytes) and decodes back
/// exactly, once in NFC: <see cref="Encode"/> normalises first and <see cref="Decode"/> is its exact inverse.
/// Stored in a model directory as <see cref="FileName"/>. Safe to use from several threads.
/// </summary>
public sealed class TextTokenizer
{
    /// <summary>The tokenizer's file name in a model directory.</summary>
    public const string FileName = "tokenizer.model";

    /// <summary>Default vocabulary size (pieces, the 4 special and 256 byte pieces included).</summary>
    public const int DefaultVocabularySize = 8_000;

    /// <summary>
    /// Smallest vocabulary size: room for the 4 special pieces, the 256 byte pieces and a few dozen characters and
    /// merges (spm_train refuses a size below the characters it must keep).
    /// </summary>
    public const int MinVocabularySize = 300;

    /// <summary>Largest vocabulary size: the output layer grows with it, and snippet corpora rarely support more merges.</summary>
    public const int MaxVocabularySize = 32_000;

    /// <summary>Id of the padding piece (<c>&lt;pad&gt;</c>): the first, so zero-filled batches are padding.</summary>
    public const int PaddingId = 0;

    /// <summary>SentencePiece's marker for a space inside pieces (U+2581).</summary>
    private const char SpaceMarker = '\u2581';

    /// <summary>The message when spm_train cannot be run.</summary>
    internal const string MissingTrainerMessage =
        "text training needs sentencepiece's spm_train (apt-get install sentencepiece; scripts/setup.sh installs it).";

    private readonly SentencePieceTokenizer inner;
    private readonly string[] pieces;
    private readonly byte[][] pieceBytes;
    private readonly bool[] skipped;
    private readonly bool[] bytePiece;
    private readonly int[] markerIds;

    private TextTokenizer(SentencePieceTokenizer inner, SentencePieceModel model, int pad, int unk, int bos, int eos, int[] byteIds)
    {
        this.inner = inner;
        PadId = pad;
        UnknownId = unk;
        BosId = bos;
        EosId = eos;
        VocabularySize = model.Pieces.Count;
        pieces = model.Pieces.Select(p => p.Piece).ToArray();
        pieceBytes = new byte[VocabularySize][];
        skipped = new bool[VocabularySize];
        bytePiece = new bool[VocabularySize];
        for (var id = 0; id < VocabularySize; id++)
        {
            var (piece, type) = model.Pieces[id];
            pieceBytes[id] = type switch
            {
                SentencePieceModel.PieceType.Byte => [ByteValue(piece)!.Value],
                SentencePieceModel.PieceType.Normal or SentencePieceModel.PieceType.UserDefined => Encoding.UTF8.GetBytes(piece.Replace(SpaceMarker, ' ')),
                // Never produced by Encode; a model may still sample it.
                SentencePieceModel.PieceType.Unknown => "\uFFFD"u8.ToArray(),
                _ => [],
            };
            skipped[id] = type is SentencePieceModel.PieceType.Control or SentencePieceModel.PieceType.Unused;
            bytePiece[id] = type == SentencePieceModel.PieceType.Byte;
        }
        markerIds = Encoding.UTF8.GetBytes(SpaceMarker.ToString()).Select(b => byteIds[b]).ToArray();
    }

    /// <summary>Number of pieces; ids run from 0 to <c>VocabularySize - 1</c>.</summary>
    public int VocabularySize { get; }

    /// <summary>Id of <c>&lt;pad&gt;</c> (<see cref="PaddingId"/>); never produced by <see cref="Encode"/>, skipped by <see cref="Decode"/>.</summary>
    public int PadId { get; }

    /// <summary>Id of <c>&lt;s&gt;</c>, the start of a snippet; never produced by <see cref="Encode"/>, skipped by <see cref="Decode"/>.</summary>
    public int BosId { get; }

    /// <summary>Id of <c>&lt;/s&gt;</c>, the end of a snippet; never produced by <see cref="Encode"/>, skipped by <see cref="Decode"/>.</summary>
    public int EosId { get; }

    /// <summary>Id of <c>&lt;unk&gt;</c>; never produced by <see cref="Encode"/> (byte fallback), decoded as U+FFFD.</summary>
    public int UnknownId { get; }

    /// <summary>
    /// The spm_train arguments for <paramref name="vocabularySize"/> (read from <c>corpus.txt</c>, written to
    /// <c>tokenizer.model</c> in the working folder): BPE with byte fallback; identity normalisation (NFC is applied
    /// by <see cref="Encode"/>), spaces kept as they are and no dummy prefix, so that decoding inverts encoding
    /// exactly; one thread and fixed file names, so the same snippets give the same model bytes.
    /// </summary>
    public static IReadOnlyList<string> TrainerArguments(int vocabularySize) =>
    [
        "--input=corpus.txt", "--model_prefix=tokenizer", "--model_type=bpe", $"--vocab_size={vocabularySize}",
        // A small corpus supports fewer merges than asked: keep what it supports (VocabularySize tells) rather than fail.
        "--hard_vocab_limit=false",
        "--byte_fallback=true",
        // The rarest 0.05% of characters are left to byte fallback instead of taking a piece each (CJK-rich text).
        "--character_coverage=0.9995",
        "--normalization_rule_name=identity", "--remove_extra_whitespaces=false", "--add_dummy_prefix=false",
        $"--max_sentence_length={SnippetText.MaxChars * 4}", "--input_sentence_size=0", "--shuffle_input_sentence=false",
        $"--pad_id={PaddingId}", "--unk_id=1", "--bos_id=2", "--eos_id=3",
        "--num_threads=1", "--minloglevel=1",
    ];

    /// <summary>
    /// Trains a tokenizer of at most <paramref name="vocabularySize"/> pieces on <paramref name="snippets"/> with
    /// spm_train (a child process) and writes it atomically to <paramref name="modelPath"/>. The same snippets and
    /// size give the same file. Throws <see cref="ArgumentOutOfRangeException"/> for a size outside
    /// [<see cref="MinVocabularySize"/>, <see cref="MaxVocabularySize"/>] and <see cref="TrainingDataException"/> when
    /// spm_train is not installed, there is no text, or spm_train refuses the text.
    /// </summary>
    public static TextTokenizer Train(IReadOnlyList<string> snippets, string modelPath, int vocabularySize, Action<string> log) =>
        Train(snippets, modelPath, vocabularySize, log, FindOnPath("spm_train"));

    /// <summary>As the public overload, with spm_train at <paramref name="spmTrain"/> (null: not installed).</summary>
    internal static TextTokenizer Train(IReadOnlyList<string> snippets, string modelPath, int vocabularySize, Action<string> log, string? spmTrain)
    {
        ArgumentNullException.ThrowIfNull(snippets);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, MinVocabularySize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vocabularySize, MaxVocabularySize);
        if (spmTrain is null) throw new TrainingDataException(MissingTrainerMessage);
        var work = Directory.CreateTempSubdirectory("vaecreative-spm-").FullName;
        try
        {
            var lines = WriteTrainingText(snippets, Path.Combine(work, "corpus.txt"));
            if (lines == 0) throw new TrainingDataException("there is no text to train the tokenizer on (every snippet is empty).");
            log($"training the tokenizer (BPE, at most {vocabularySize:N0} pieces) on {lines:N0} lines with spm_train");
            var clock = Stopwatch.StartNew();
            RunTrainer(spmTrain, work, vocabularySize, log);
            var bytes = File.ReadAllBytes(Path.Combine(work, FileName));
            var tokenizer = FromBytes(bytes, modelPath);
            AtomicFile.WriteAllBytes(modelPath, bytes);
            log($"tokenizer: {tokenizer.VocabularySize:N0} pieces in {clock.Elapsed.TotalSeconds:F1} s" +
                (tokenizer.VocabularySize < vocabularySize ? $" (the text supports no more than that of the {vocabularySize:N0} asked)" : ""));
            return tokenizer;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Loads the tokenizer at <paramref name="modelPath"/>. Throws <see cref="ModelLoadException"/> when the file is
    /// missing, damaged, or a SentencePiece model whose settings would not round-trip text exactly.
    /// </summary>
    public static TextTokenizer Load(string modelPath)
    {
        byte[] bytes;
        try
        {
            if (new FileInfo(modelPath).Length > 64 << 20) throw new ModelLoadException($"tokenizer '{modelPath}' is over 64 MB: not a tokenizer of this toolkit.");
            bytes = File.ReadAllBytes(modelPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelLoadException($"tokenizer '{modelPath}' does not exist (a text model directory holds {FileName}).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"tokenizer '{modelPath}' cannot be read: {e.Message}", e);
        }
        return FromBytes(bytes, modelPath);
    }

    /// <summary>The tokenizer in <paramref name="bytes"/> (a model file's content); <paramref name="source"/> names it in errors.</summary>
    internal static TextTokenizer FromBytes(byte[] bytes, string source)
    {
        SentencePieceModel model;
        try { model = SentencePieceModel.Parse(bytes); }
        catch (InvalidDataException e) { throw new ModelLoadException($"tokenizer '{source}' is damaged: {e.Message}", e); }
        string? Refuse(string why) => throw new ModelLoadException($"tokenizer '{source}' cannot round-trip text exactly: {why}; train it with this toolkit.");
        if (model.ModelType != 2) Refuse($"it is not a BPE model (model type {model.ModelType})");
        if (!model.ByteFallback) Refuse("it has no byte fallback");
        if (model.NormalizerName != "identity" || model.HasCharsMap) Refuse($"it normalises text ('{model.NormalizerName}')");
        if (model.AddDummyPrefix || model.RemoveExtraWhitespaces || !model.EscapeWhitespaces || model.WhitespaceAsSuffix)
            Refuse("it changes white space");
        int Find(string piece, SentencePieceModel.PieceType type)
        {
            for (var id = 0; id < model.Pieces.Count; id++)
                if (model.Pieces[id].Type == type && model.Pieces[id].Piece == piece) return id;
            Refuse($"it has no {type.ToString().ToLowerInvariant()} piece {piece}");
            return -1;
        }
        var byteIds = new int[256];
        Array.Fill(byteIds, -1);
        for (var id = 0; id < model.Pieces.Count; id++)
            if (model.Pieces[id].Type == SentencePieceModel.PieceType.Byte)
            {
                if (ByteValue(model.Pieces[id].Piece) is not { } value) Refuse($"byte piece {id} is '{model.Pieces[id].Piece}'");
                else byteIds[value] = id;
            }
        if (Array.IndexOf(byteIds, -1) is var missing and >= 0) Refuse($"it has no piece for byte 0x{missing:X2}");
        var (pad, unk, bos, eos) = (Find("<pad>", SentencePieceModel.PieceType.Control), Find("<unk>", SentencePieceModel.PieceType.Unknown),
            Find("<s>", SentencePieceModel.PieceType.Control), Find("</s>", SentencePieceModel.PieceType.Control));
        SentencePieceTokenizer inner;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            inner = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelLoadException($"tokenizer '{source}' is damaged: {e.Message}", e);
        }
        return new TextTokenizer(inner, model, pad, unk, bos, eos, byteIds);
    }

    /// <summary>
    /// The ids of the NFC form of <paramref name="text"/>, without <see cref="BosId"/> or <see cref="EosId"/>; never
    /// <see cref="UnknownId"/>. Throws <see cref="ArgumentException"/> for text that is not valid Unicode (an unpaired
    /// surrogate): check user text with <see cref="SnippetText.Check"/> first.
    /// </summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i]))
                throw new ArgumentException($"the text is not valid Unicode (an unpaired surrogate at character {i}).", nameof(text));
        }
        text = Nfc.Normalize(text);
        var ids = new List<int>(text.Length / 2 + 4);
        // SentencePiece writes spaces as U+2581 inside pieces, so the character itself would decode as a space: it is
        // encoded as its three UTF-8 byte pieces, and the text between is encoded as usual.
        for (var start = 0; ;)
        {
            var marker = text.IndexOf(SpaceMarker, start);
            var end = marker < 0 ? text.Length : marker;
            if (end > start)
                ids.AddRange(inner.EncodeToIds(text.AsSpan(start, end - start), addBeginningOfSentence: false, addEndOfSentence: false,
                    considerPreTokenization: true, considerNormalization: true));
            if (marker < 0) break;
            ids.AddRange(markerIds);
            start = marker + 1;
        }
        if (ids.Contains(UnknownId)) throw new InvalidOperationException("the tokenizer produced the unknown token despite byte fallback.");
        return ids;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: the exact inverse of <see cref="Encode"/>. Skips <see cref="PadId"/>,
    /// <see cref="BosId"/> and <see cref="EosId"/>; byte pieces that do not form valid UTF-8 (a model may sample such
    /// a run) become U+FFFD. Throws <see cref="ArgumentOutOfRangeException"/> for an id outside the vocabulary.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token ids run from 0 to {VocabularySize - 1}.");
            if (!skipped[id]) bytes.AddRange(pieceBytes[id]);
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>The piece of <paramref name="id"/> as stored (U+2581 for spaces, <c>&lt;0xNN&gt;</c> for bytes), for logs and tests.</summary>
    public string Piece(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return pieces[id];
    }

    /// <summary>Whether <paramref name="id"/> is a byte piece (<c>&lt;0xNN&gt;</c>): part of a character outside the vocabulary.</summary>
    public bool IsBytePiece(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return bytePiece[id];
    }

    /// <summary>
    /// The text <paramref name="id"/> decodes to on its own: spaces for U+2581, U+FFFD for <c>&lt;unk&gt;</c>, nothing
    /// for the control pieces; null for a byte piece, which is text only in a run that forms UTF-8.
    /// </summary>
    public string? PieceText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return bytePiece[id] ? null : skipped[id] ? "" : Encoding.UTF8.GetString(pieceBytes[id]);
    }

    /// <summary>The byte a <c>&lt;0xNN&gt;</c> piece stands for, or null.</summary>
    private static byte? ByteValue(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
        && byte.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var b)
            ? b : null;

    /// <summary>
    /// Writes the training text, one line per line of each snippet (spm_train reads lines), NFC, with U+2581 (spm's
    /// space marker) and NUL as spaces; returns the number of lines.
    /// </summary>
    private static int WriteTrainingText(IReadOnlyList<string> snippets, string path)
    {
        var lines = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var snippet in snippets)
            foreach (var line in Nfc.Normalize(snippet).Replace(SpaceMarker, ' ').Replace('\0', ' ').Split('\n'))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                writer.WriteLine(line);
                lines++;
            }
        return lines;
    }

    private static void RunTrainer(string spmTrain, string work, int vocabularySize, Action<string> log)
    {
        var start = new ProcessStartInfo(spmTrain)
        {
            WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var argument in TrainerArguments(vocabularySize)) start.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(start) ?? throw new TrainingDataException(MissingTrainerMessage); }
        catch (Win32Exception e) { throw new TrainingDataException($"{MissingTrainerMessage} ({spmTrain}: {e.Message})"); }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            var lines = (output.Result + errors.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var line in lines.Where(l => l.Contains("WARNING", StringComparison.Ordinal)))
                log("spm_train: " + line);
            var failure = lines.LastOrDefault(l => l.Contains("[_status.ok()]", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal));
            if (process.ExitCode != 0 || !File.Exists(Path.Combine(work, FileName)))
            {
                var why = failure ?? lines.LastOrDefault() ?? $"exit code {process.ExitCode}";
                var hint = why.Contains("required_chars", StringComparison.Ordinal) ? " (raise the vocabulary size, or train on text with fewer distinct characters)" : "";
                throw new TrainingDataException($"spm_train could not train the tokenizer: {why}{hint}");
            }
        }
    }

    /// <summary>The full path of <paramref name="program"/> in a folder of PATH, or null.</summary>
    private static string? FindOnPath(string program)
    {
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe" } : [program];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        return null;
    }
}
