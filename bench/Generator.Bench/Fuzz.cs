using System.Diagnostics;
using System.Text.Json;
using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Imaging;
using VaeCreative.Tests.Audio.Midi;
using VaeCreative.Tests.Host.Server.Api;
using VaeCreative.Tests.Text.Snippets;
using VaeCreative.Text.Corpus;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Tokenization;

namespace VaeCreative.Bench;

/// <summary>
/// The <c>fuzz</c> phase (bench/fuzz.sh drives it). A campaign mutates each decoder's seed files and feeds
/// every input to the decoder: an input must decode or fail with the decoder's own exception; anything else
/// is a bug, saved for reproduction. Reports inputs tried, outcomes by kind, the slowest input (saved too),
/// the most allocated per input and the wall time. Also: <c>--replay FILE…</c> reads each file once and
/// reports its outcome, time and allocation; <c>--corpus DIR</c> measures <see cref="MelodyCorpus.Load"/>.
/// </summary>
public static class Fuzz
{
    /// <summary>A decoder under fuzzing: its seed inputs, how to mutate them, and how to decode one (returning the outcome's kind).</summary>
    private sealed record Target(string Name, Func<string, IReadOnlyList<byte[]>> Seeds, Func<IReadOnlyList<byte[]>, Func<Random, byte[]>> Mutator,
        Func<byte[], string> Decode, string Extension);

    /// <summary>One entry per decoder (and the host's request parser); new targets are added here.</summary>
    private static readonly Target[] Targets =
    [
        new("midi", MidiSeeds, seeds => new MidiMutator(seeds).Next, DecodeMidi, ".mid"),
        new("text", _ => TextMutator.DefaultSeeds(), seeds => new TextMutator(seeds).Next, DecodeText, ".txt"),
        new("text-tokenizer", TokenizerSeeds, seeds => new TextMutator(seeds).Next, RoundTripText, ".txt"),
        new("image", _ => ImageMutator.DefaultSeeds(), seeds => new ImageMutator(seeds).Next, DecodeImage, ".img"),
        // The host's JSON request parser: each body as every request type; a refusal must be its 400 bad-request.
        new("request-body", _ => JsonBodyMutator.DefaultSeeds(), seeds => new JsonBodyMutator(seeds).Next, RequestBodyOracle.Parse, ".json"),
    ];

    /// <summary>The tokenizer the text-tokenizer target round-trips through (set up by <see cref="TokenizerSeeds"/>).</summary>
    private static TextTokenizer? fuzzTokenizer;

    /// <summary>Runs the phase.</summary>
    public static object Run(string[] args, string repo)
    {
        if (Value(args, "--corpus") is { } dir) return Corpus(dir);
        if (Value(args, "--text-corpus") is { } text)
            return TextCorpusFigures(text, int.Parse(Value(args, "--max-chars") ?? "400"), Value(args, "--vocab") is { } vocab ? int.Parse(vocab) : null);
        if (Value(args, "--write-bombs") is { } bombs) return WriteBombs(repo, bombs);
        if (Value(args, "--image-files") is { } images) return ImageFiles(images);
        var replay = Array.IndexOf(args, "--replay");
        if (replay >= 0) return args.Skip(replay + 1).TakeWhile(a => !a.StartsWith("--")).Select(Replay).ToList();

        var inputs = long.Parse(Value(args, "--inputs") ?? "1000000");
        var seconds = double.Parse(Value(args, "--seconds") ?? "0");
        var seed = int.Parse(Value(args, "--seed") ?? "1");
        var workers = int.Parse(Value(args, "--workers") ?? Environment.ProcessorCount.ToString());
        // Saved inputs may be mutations of data-set files, which stay out of the repository (git-ignored folder).
        var outDir = Value(args, "--out") ?? Path.Combine(repo, "bench", "results");
        var inputsDir = Path.Combine(outDir, "fuzz-inputs");
        Directory.CreateDirectory(inputsDir);
        var only = Value(args, "--target");
        Directory.CreateDirectory(outDir);
        var reports = Targets.Where(t => only is null || t.Name == only)
            .Select(t => Campaign(t, repo, inputs, seconds, seed, workers, inputsDir)).ToList();
        var result = new
        {
            when = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            seed,
            workers,
            targets = reports,
        };
        var latest = Path.Combine(outDir, "fuzz-latest.json");
        var json = JsonSerializer.SerializeToNode(result)!.AsObject();
        foreach (var t in json["targets"]!.AsArray()) t!["when"] = json["when"]!.GetValue<string>();
        // A campaign of one target keeps the other targets' latest figures (each entry says when it ran).
        if (only is not null && File.Exists(latest) && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(latest)) is { } previous)
        {
            var kept = previous["targets"]?.AsArray().Where(t => t?["target"]?.GetValue<string>() != only).ToList() ?? [];
            foreach (var t in kept)
            {
                var copy = t!.DeepClone().AsObject();
                copy["when"] ??= previous["when"]?.GetValue<string>();
                copy["seed"] ??= previous["seed"]?.DeepClone();
                copy["workers"] ??= previous["workers"]?.DeepClone();
                json["targets"]!.AsArray().Add(copy);
            }
        }
        AtomicFile.WriteAllText(latest, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        // And each target's figures in a file of its own (fuzz-TARGET.json), which later campaigns of other targets leave alone.
        foreach (var target in json["targets"]!.AsArray().Take(reports.Count))
        {
            var own = new System.Text.Json.Nodes.JsonObject
            {
                ["when"] = json["when"]!.DeepClone(), ["machine"] = json["machine"]!.DeepClone(), ["seed"] = seed, ["workers"] = workers,
                ["target"] = target!.DeepClone(),
            };
            AtomicFile.WriteAllText(Path.Combine(outDir, $"fuzz-{target["target"]!.GetValue<string>()}.json"), own.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return result;
    }

    private sealed class Tally
    {
        public long Inputs;
        public readonly Dictionary<string, long> Outcomes = new();
        public double SlowestMs;
        public byte[] Slowest = [];
        public int SlowestCollections;
        public long MostAllocated;
        public int MostAllocatedInputBytes;
        public int Largest;
        public double MostAllocatedPerByte;
        public readonly List<double> SampleMicros = new();
        public readonly List<(string Kind, byte[] Input)> Bugs = new();
    }

    private static object Campaign(Target target, string repo, long inputs, double seconds, int seed, int workers, string outDir)
    {
        var seeds = target.Seeds(repo);
        var deadline = seconds > 0 ? Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency) : long.MaxValue;
        // Warm-up, not counted: the bench runs without tiered JIT, so each code path's first call costs ~100 ms of JIT.
        var warmMutate = target.Mutator(seeds);
        var warmRandom = new Random(-seed);
        foreach (var input in seeds.Concat(Enumerable.Range(0, 2_000).Select(_ => warmMutate(warmRandom))))
            try { target.Decode(input); } catch (Exception) { /* counted in the campaign, not here */ }
        var clock = Stopwatch.StartNew();
        var done = 0L;
        var next = -1L;
        var tallies = new Tally[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var tally = tallies[w] = new Tally();
            var mutate = target.Mutator(seeds);
            // Input i comes from its own seeded stream, so a --seed tries the same inputs whatever the workers.
            for (var i = Interlocked.Increment(ref next); i < inputs && Stopwatch.GetTimestamp() < deadline; i = Interlocked.Increment(ref next))
            {
                var input = mutate(new Random(unchecked(seed * 1_000_003 + (int)i)));
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
                var started = Stopwatch.GetTimestamp();
                string outcome;
                try { outcome = target.Decode(input); }
                catch (Exception e)
                {
                    outcome = $"BUG {e.GetType().Name}";
                    lock (tally.Bugs) if (tally.Bugs.Count < 20) tally.Bugs.Add((outcome + ": " + e.Message.Split('\n')[0], input));
                }
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                tally.Inputs++;
                tally.Largest = Math.Max(tally.Largest, input.Length);
                Interlocked.Increment(ref done);
                tally.Outcomes[outcome] = tally.Outcomes.GetValueOrDefault(outcome) + 1;
                if (ms > tally.SlowestMs)
                    (tally.SlowestMs, tally.Slowest, tally.SlowestCollections) = (ms, input, GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - collections);
                if (allocated > tally.MostAllocated) (tally.MostAllocated, tally.MostAllocatedInputBytes) = (allocated, input.Length);
                tally.MostAllocatedPerByte = Math.Max(tally.MostAllocatedPerByte, Math.Max(0, allocated - 1_000_000) / (double)Math.Max(1, input.Length));
                if (tally.Inputs % 64 == 0) tally.SampleMicros.Add(ms * 1000);
                if (w == 0 && tally.Inputs % 50_000 == 0)
                    Console.Error.WriteLine($"fuzz {target.Name}: {Interlocked.Read(ref done):N0} inputs, {clock.Elapsed.TotalSeconds:F0} s");
            }
        });
        clock.Stop();

        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in tallies)
            foreach (var (k, v) in t.Outcomes) outcomes[k] = outcomes.GetValueOrDefault(k) + v;
        var total = tallies.Sum(t => t.Inputs);
        var slowest = tallies.MaxBy(t => t.SlowestMs)!;
        var slowestPath = Path.Combine(outDir, $"slowest-{target.Name}{target.Extension}");
        AtomicFile.WriteAllBytes(slowestPath, slowest.Slowest);
        var bugs = tallies.SelectMany(t => t.Bugs).ToList();
        var bugFiles = new List<string>();
        for (var i = 0; i < bugs.Count; i++)
        {
            var path = Path.Combine(outDir, $"bug-{target.Name}-{i + 1}{target.Extension}");
            AtomicFile.WriteAllBytes(path, bugs[i].Input);
            bugFiles.Add($"{Path.GetRelativePath(repo, path)}: {bugs[i].Kind}");
        }
        // The slowest input again, alone: its own cost, apart from what a busy machine or the other worker's
        // garbage collections (which stop every thread) added during the campaign.
        var replayMs = Enumerable.Range(0, 3).Min(_ =>
        {
            var started = Stopwatch.GetTimestamp();
            try { target.Decode(slowest.Slowest); } catch (Exception) { /* already counted */ }
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        var samples = tallies.SelectMany(t => t.SampleMicros).Order().ToList();
        double Percentile(double p) => samples.Count == 0 ? 0 : Math.Round(samples[(int)Math.Min(samples.Count - 1, p * samples.Count)], 1);
        var worstAllocation = tallies.MaxBy(t => t.MostAllocated)!;
        return new
        {
            target = target.Name,
            seeds = seeds.Count,
            inputs = total,
            wall_s = Math.Round(clock.Elapsed.TotalSeconds, 1),
            inputs_per_s = Math.Round(total / clock.Elapsed.TotalSeconds),
            outcomes,
            bugs = outcomes.Where(kv => kv.Key.StartsWith("BUG")).Sum(kv => kv.Value),
            bug_inputs = bugFiles,
            slowest_ms = Math.Round(slowest.SlowestMs, 2),
            slowest_input_bytes = slowest.Slowest.Length,
            slowest_input = Path.GetRelativePath(repo, slowestPath),
            slowest_gcs_during = slowest.SlowestCollections,
            slowest_replay_ms = Math.Round(replayMs, 2),
            p50_us = Percentile(0.5),
            p99_us = Percentile(0.99),
            most_allocated_bytes = worstAllocation.MostAllocated,
            most_allocated_input_bytes = worstAllocation.MostAllocatedInputBytes,
            most_allocated_per_input_byte_over_1mb = Math.Round(tallies.Max(t => t.MostAllocatedPerByte), 1),
            largest_input_bytes = tallies.Max(t => t.Largest),
        };
    }

    /// <summary>
    /// Writes the length bombs of issue 8 (a few bytes declaring a billion steps), the sample melody with one
    /// absurd delta at 1 tick per quarter, and 1,000 tracks × 15 channels of candidate melodies: the inputs
    /// bench/midi-bombs.sh measures.
    /// </summary>
    private static object WriteBombs(string repo, string dir)
    {
        Directory.CreateDirectory(dir);
        byte[] huge = [0xFF, 0xFF, 0xFF, 0x7F]; // 0x0FFFFFFF ticks, the largest delta
        static byte[] Track(byte[] events) =>
            [(byte)'M', (byte)'T', (byte)'r', (byte)'k', (byte)(events.Length >> 24), (byte)(events.Length >> 16), (byte)(events.Length >> 8), (byte)events.Length, .. events];
        static byte[] File(int tracks, int division, byte[] body) =>
            [(byte)'M', (byte)'T', (byte)'h', (byte)'d', 0, 0, 0, 6, 0, (byte)(tracks > 1 ? 1 : 0), (byte)(tracks >> 8), (byte)tracks, (byte)(division >> 8), (byte)division, .. body];
        byte[] end = [0x00, 0xFF, 0x2F, 0x00];
        var files = new Dictionary<string, byte[]>
        {
            ["late-note.mid"] = File(1, 1, Track([.. huge, 0x90, 60, 80, .. end])),
            ["long-note.mid"] = File(1, 1, Track([0x00, 0x90, 60, 80, .. huge, 0x80, 60, 0, .. end])),
            ["long-rest.mid"] = File(1, 1, Track([0x00, 0x90, 60, 80, 0x01, 0x80, 60, 0, .. huge, 0xFF, 0x2F, 0x00])),
        };
        // The sample melody at 1 tick per quarter with its first delta made 0x0FFFFFFF (its events start after
        // the header and the first track's 8-byte chunk header; the first event's delta is one byte, 0x00).
        var sample = System.IO.File.ReadAllBytes(Path.Combine(repo, "samples", "seed-melody.mid"));
        var firstTrack = 14 + 8 + (int)((uint)sample[18] << 24 | (uint)sample[19] << 16 | (uint)sample[20] << 8 | sample[21]);
        var second = firstTrack + 8;
        var length = (sample[firstTrack + 4] << 24 | sample[firstTrack + 5] << 16 | sample[firstTrack + 6] << 8 | sample[firstTrack + 7]) + 3;
        byte[] fuzzed = [.. sample[..12], 0, 1, .. sample[14..(firstTrack + 4)], (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length,
            .. huge, .. sample[(second + 1)..]];
        files["sample-huge-delta.mid"] = fuzzed;
        var candidates = new List<byte>();
        for (var channel = 0; channel < 16; channel++)
            if (channel != 9) candidates.AddRange(new byte[] { 0x00, (byte)(0x90 | channel), 60, 80, 0x00, (byte)(0x80 | channel), 60, 0 });
        candidates.AddRange(new byte[] { 0x83, 0xF0, 0x00, 0xFF, 0x2F, 0x00 }); // the track ends after 63,488 ticks: 2,116 steps at 120 per quarter
        var track = Track([.. candidates]);
        files["many-tracks.mid"] = File(1000, 120, [.. Enumerable.Repeat(track, 1000).SelectMany(t => t)]);
        foreach (var (name, bytes) in files) System.IO.File.WriteAllBytes(Path.Combine(dir, name), bytes);
        return files.Select(f => new { file = Path.Combine(dir, f.Key), bytes = f.Value.Length }).ToList();
    }

    private static IReadOnlyList<byte[]> MidiSeeds(string repo)
    {
        var nottingham = Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets", "nottingham"));
        // The sample melody and every 50th Nottingham tune (19 files, 1–10 KB, type 1, tempo and metre events).
        var files = Directory.Exists(nottingham) ? Directory.GetFiles(nottingham, "*.mid").Order(StringComparer.Ordinal).Where((_, i) => i % 50 == 0) : [];
        return [File.ReadAllBytes(Path.Combine(repo, "samples", "seed-melody.mid")), .. files.Select(File.ReadAllBytes)];
    }

    private static string DecodeMidi(byte[] input)
    {
        try
        {
            MidiMelodyReader.Read(input, "fuzz.mid");
            return "ok";
        }
        catch (MidiReadException e) { return $"MidiReadException/{e.Failure}"; }
    }

    /// <summary>A seed as the CLI and host read one: strict UTF-8, then the snippet checks.</summary>
    private static string DecodeText(byte[] input)
    {
        try
        {
            SnippetText.Check(SnippetText.DecodeUtf8(input, "fuzz.txt"), "seed");
            return "ok";
        }
        catch (TextReadException e) { return "TextReadException/" + TextRefusal(e); }
    }

    /// <summary>
    /// Every image file under <paramref name="folder"/> (by extension: PNG, JPEG, GIF, BMP, WebP, and SVG and XPM, which
    /// must be refused) decoded three ways: whole, its first half, and with every 97th byte after the first 100 flipped. Reports outcomes by
    /// kind; any exception other than <see cref="ImageReadException"/> is a bug, listed with its file.
    /// </summary>
    private static object ImageFiles(string folder)
    {
        string[] extensions = [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg", ".xpm"];
        var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var bugs = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var file in files)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); } catch (IOException) { continue; }
            var flipped = (byte[])bytes.Clone();
            // Past the first 100 bytes (signatures and headers), so the decoders meet damaged pixel data.
            for (var i = 100; i < flipped.Length; i += 97) flipped[i] ^= 0xFF;
            foreach (var (variant, input) in new[] { ("whole", bytes), ("half", bytes[..(bytes.Length / 2)]), ("flipped", flipped) })
            {
                string outcome;
                try { outcome = DecodeImage(input); }
                catch (Exception e) { outcome = "bug"; bugs.Add($"{file} ({variant}): {e.GetType().Name}: {e.Message}"); }
                var key = $"{Path.GetExtension(file).ToLowerInvariant()} {variant}: {outcome}";
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            }
        }
        return new { folder, files = files.Count, inputs = 3 * files.Count, wall_s = Math.Round(clock.Elapsed.TotalSeconds, 1), outcomes, bugs };
    }

    /// <summary>
    /// The image decoder (PNG, JPEG, BMP, GIF, WebP by content): a decoded image must hold exactly its pixels; a refusal
    /// is counted by its kind (the message without the field name).
    /// </summary>
    private static string DecodeImage(byte[] input)
    {
        try
        {
            var image = ImageDecoder.Decode(input, "fuzz");
            if (image.Rgba.Length != 4L * image.Width * image.Height) throw new InvalidOperationException($"a {image.Width}×{image.Height} image with {image.Rgba.Length} bytes");
            return "ok";
        }
        catch (ImageReadException e)
        {
            var kind = e.OverLimit ? "over the pixel limit" : e.Message.Replace("'fuzz' ", "").Split(':', '(')[0].Trim();
            return "ImageReadException/" + (kind.Length > 48 ? kind[..48] : kind);
        }
    }

    /// <summary>As <see cref="DecodeText"/>, then through the tokenizer: a round trip that differs is a bug (thrown).</summary>
    private static string RoundTripText(byte[] input)
    {
        string text;
        try { text = SnippetText.Check(SnippetText.DecodeUtf8(input, "fuzz.txt"), "seed"); }
        catch (TextReadException e) { return "TextReadException/" + TextRefusal(e); }
        var ids = fuzzTokenizer!.Encode(text);
        if (fuzzTokenizer.Decode(ids) != text) throw new InvalidOperationException($"the tokenizer's round trip differs ({ids.Count} tokens)");
        return $"ok ({(ids.Count < 64 ? "<64" : ids.Count < 1024 ? "<1024" : "≥1024")} tokens)";
    }

    private static string TextRefusal(TextReadException e) =>
        e.OverLimit ? "over-limit" : e.Message.Contains("UTF-8", StringComparison.Ordinal) ? "utf8"
        : e.Message.Contains("NUL", StringComparison.Ordinal) ? "nul" : e.Message.Contains("is empty", StringComparison.Ordinal) ? "empty" : "other";

    /// <summary>
    /// The text seeds, and the tokenizer to round-trip through: the bundled text model's when there is one, else one
    /// trained here on the seeds (vocabulary 400; needs spm_train, which scripts/setup.sh installs).
    /// </summary>
    private static IReadOnlyList<byte[]> TokenizerSeeds(string repo)
    {
        var seeds = TextMutator.DefaultSeeds();
        var bundled = Path.Combine(repo, "models", "text-flavour", TextTokenizer.FileName);
        if (File.Exists(bundled)) fuzzTokenizer = TextTokenizer.Load(bundled);
        else
        {
            var dir = Directory.CreateTempSubdirectory("vaecreative-fuzz-").FullName;
            try
            {
                var snippets = seeds.Select(s => SnippetText.DecodeUtf8(s, "seed")).ToList();
                fuzzTokenizer = TextTokenizer.Train(Enumerable.Repeat(snippets, 20).SelectMany(s => s).ToList(), Path.Combine(dir, TextTokenizer.FileName), 400, _ => { });
            }
            finally { Directory.Delete(dir, true); }
        }
        return seeds;
    }

    /// <summary>Loads a text corpus (and trains a tokenizer on it with <paramref name="vocabulary"/>): counts, sizes and times.</summary>
    private static object TextCorpusFigures(string path, int maxChars, int? vocabulary)
    {
        TextCorpus? corpus = null;
        var (outcome, ms, allocated) = Measure(() =>
        {
            corpus = TextCorpus.Load(path, 0.1, maxChars, _ => { });
            return "ok: " + corpus.Summary;
        });
        var all = corpus!.Train.Concat(corpus.Validation).ToList();
        object? tokenizer = null;
        if (vocabulary is { } size)
        {
            var dir = Directory.CreateTempSubdirectory("vaecreative-tokenizer-").FullName;
            try
            {
                var clock = Stopwatch.StartNew();
                var trained = TextTokenizer.Train(corpus.Train, Path.Combine(dir, TextTokenizer.FileName), size, _ => { });
                var trainSeconds = clock.Elapsed.TotalSeconds;
                var modelBytes = new FileInfo(Path.Combine(dir, TextTokenizer.FileName)).Length;
                clock.Restart();
                long tokens = 0, chars = 0;
                var failures = 0;
                var longest = 0;
                foreach (var snippet in corpus.Validation)
                {
                    var ids = trained.Encode(snippet);
                    tokens += ids.Count;
                    chars += snippet.Length;
                    longest = Math.Max(longest, ids.Count);
                    if (trained.Decode(ids) != snippet) failures++;
                }
                tokenizer = new
                {
                    vocabulary_asked = size,
                    pieces = trained.VocabularySize,
                    train_s = Math.Round(trainSeconds, 2),
                    model_bytes = modelBytes,
                    validation_tokens = tokens,
                    chars_per_token = Math.Round(chars / (double)Math.Max(1, tokens), 2),
                    tokens_per_snippet_mean = Math.Round(tokens / (double)Math.Max(1, corpus.Validation.Count), 1),
                    tokens_per_snippet_max = longest,
                    round_trip_failures = failures,
                    encode_decode_ms = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
                };
            }
            finally { Directory.Delete(dir, true); }
        }
        return new
        {
            corpus = path,
            outcome,
            load_ms = ms,
            allocated_mb = Math.Round(allocated / 1e6, 1),
            peak_rss_mb = PeakRssMb(),
            files = corpus.Files.Count,
            skipped = corpus.Skipped.Count,
            skipped_not_links_or_indexes = corpus.Skipped.Count(s => !s.Reason.StartsWith("a symbolic link", StringComparison.Ordinal) && !s.Reason.StartsWith("a fortune index", StringComparison.Ordinal)),
            snippets_train = corpus.Train.Count,
            snippets_validation = corpus.Validation.Count,
            chars = all.Sum(s => (long)s.Length),
            snippet_chars_mean = Math.Round(all.Average(s => s.Length), 1),
            split_snippets = corpus.SplitSnippets,
            max_snippet_chars = maxChars,
            tokenizer,
        };
    }

    private static object Replay(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var (outcome, ms, allocated) = Measure(() => Outcome(() => MidiMelodyReader.Read(bytes, Path.GetFileName(path))));
        return new { file = path, bytes = bytes.Length, outcome, ms, allocated_mb = allocated / 1e6, peak_rss_mb = PeakRssMb() };
    }

    private static object Corpus(string dir)
    {
        var (outcome, ms, allocated) = Measure(() =>
        {
            try
            {
                var corpus = MelodyCorpus.Load(dir);
                return $"ok: {corpus.Files.Count} files, {corpus.Failures.Count} failures";
            }
            catch (Exception e) { return $"{e.GetType().Name}: {e.Message}"; }
        });
        return new { corpus = dir, outcome, ms, allocated_mb = allocated / 1e6, peak_rss_mb = PeakRssMb() };
    }

    private static string Outcome(Func<Melody> read)
    {
        try
        {
            var melody = read();
            // FNV-1a over the tokens, tempo and metre: equal outcomes across reader versions mean equal melodies.
            var hash = 2166136261u;
            foreach (var v in melody.Tokens.Append((int)Math.Round(melody.TempoQpm * 1000)).Append(melody.TimeSignature.Numerator).Append(melody.TimeSignature.Denominator))
            {
                hash ^= (uint)v;
                hash *= 16777619u;
            }
            return $"ok: {melody.Steps} steps, {melody.NoteCount} notes, hash {hash:x8}";
        }
        catch (MidiReadException e) { return $"MidiReadException: {e.Reason}"; }
        catch (Exception e) { return $"BUG {e.GetType().Name}: {e.Message.Split('\n')[0]}"; }
    }

    private static (string Outcome, double Ms, long Allocated) Measure(Func<string> action)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        var outcome = action();
        clock.Stop();
        return (outcome, Math.Round(clock.Elapsed.TotalMilliseconds, 3), GC.GetTotalAllocatedBytes(true) - before);
    }

    private static double PeakRssMb()
    {
        using var self = Process.GetCurrentProcess();
        return Math.Round(self.PeakWorkingSet64 / 1e6, 1);
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
