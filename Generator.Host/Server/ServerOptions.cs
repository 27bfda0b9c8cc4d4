namespace VaeCreative.Host.Server;

/// <summary>Settings of <c>vaecreative serve</c>; each documents its default and range.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to listen on. Default http://127.0.0.1:5117; port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:5117";

    /// <summary>Must be set to listen on a non-loopback address. Default false.</summary>
    public bool AllowRemote { get; init; }

    /// <summary>Connection file holding the token (and the URL, for clients). Default: <see cref="Client.HostConnection.DefaultPath"/>.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Folder of model directories served next to the bundled ones; trained models are written here. Default: none (bundled only; training needs it).</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>
    /// The folder augment jobs write into (<c>serve --outputs DIR</c>): a job's <c>out</c> must resolve, symbolic links
    /// included, to a folder below it, and a relative <c>out</c> is taken under it. Created, with the user's umask, when a
    /// job first writes there. Default null: <see cref="DefaultOutputsDirectory"/>. Training jobs write only into
    /// <see cref="ModelsDirectory"/>. The CLI's <c>vary --seed FOLDER --out OUT</c> has no such limit.
    /// </summary>
    public string? OutputsDirectory { get; init; }

    /// <summary>
    /// The folders jobs may read their <c>data</c> from (<c>serve --inputs DIR</c>, repeatable): a job's <c>data</c> must
    /// resolve, symbolic links included, inside one of them or inside the outputs folder (so augmented folders can be
    /// trained on or varied again). Default empty: any folder the host can read, except a file-system root, a system
    /// folder or a home folder (refused in every case).
    /// </summary>
    public IReadOnlyList<string> InputDirectories { get; init; } = [];

    /// <summary>
    /// <c>vaecreative/outputs</c> under the user's local data folder (<see cref="Environment.SpecialFolder.LocalApplicationData"/>:
    /// <c>$XDG_DATA_HOME</c>, else <c>~/.local/share</c>, on Linux; <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public static string DefaultOutputsDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "vaecreative", "outputs");

    /// <summary>The outputs folder this host uses: <see cref="OutputsDirectory"/>, else <see cref="DefaultOutputsDirectory"/> (full path).</summary>
    public string Outputs => Path.GetFullPath(OutputsDirectory ?? DefaultOutputsDirectory);

    /// <summary>Requests that may wait for the model before new ones get 429. Default 256; range 1–100,000.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Whether concurrent requests for one model share a model pass. Default true.</summary>
    public bool Batching { get; init; } = true;

    /// <summary>Most decoded rows (outputs × 2-bar chunks) in one pass. Default 512; range 1–65,536.</summary>
    public int MaxBatchRows { get; init; } = 512;

    /// <summary>How long a pass waits for more requests to join it. Default 2 ms; range 0–1,000 ms.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Largest request body. Default 1 MiB; range 1 KiB–64 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>
    /// The modalities served (default null: every modality of this build). Embedding apps and tests add their own
    /// here (<c>b =&gt; b.AddMelody().AddModality(new MyModality())</c>) without changing the host.
    /// </summary>
    public Action<Core.Serving.VaeCreativeBuilder>? Modalities { get; init; }

    /// <summary>Most outputs per request (variations, samples, interpolation steps). Default 64; range 1–1,024.</summary>
    public int MaxCount { get; init; } = 64;

    /// <summary>
    /// Largest seed, in model rows (<see cref="Core.Modalities.PreparedSeed.Rows"/>: a melody's windows — two bars of 4/4
    /// each — or 1 for a snippet or an image). Default 32 (64 bars of 4/4); range 1–4,096. The CLI has no such limit.
    /// </summary>
    public int MaxSeedRows { get; init; } = 32;

    /// <summary>
    /// Most model rows one request may decode: outputs × the seed's rows (<see cref="MaxSeedRows"/>). Default 2,048
    /// (64 variations of a 64-bar melody); range 1–1,048,576. Checked before any work, with the pixels and bytes below.
    /// </summary>
    public int MaxRequestRows { get; init; } = 2_048;

    /// <summary>
    /// Most pixels one request's outputs may hold together (outputs come back at the seed's size, so a 4096 × 4096 seed
    /// costs as much per output as 16,384 sprites of 32 × 32). Default 16,777,216 (one output of 4096 × 4096, 64 variations
    /// of 512 × 512); range 1–1,073,741,824.
    /// </summary>
    public long MaxOutputPixels { get; init; } = 4096L * 4096;

    /// <summary>
    /// Most bytes a generation answer may take: outputs × each output's largest encoding (a stored PNG, a MIDI file with a
    /// note on every step) in base64, checked before any work; WAV previews are counted as they are made, and the request
    /// is refused once they pass it. Default 128 MiB; range 64 KiB–4 GiB.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 128L << 20;

    /// <summary>Deadline for a request to reach the model when it names none. Default 30 s; range 1 ms–10 min.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a request's headers may take to arrive before the connection is closed (slow-header clients). Default 10 s;
    /// range 1 s–5 min (Kestrel's default is 30 s; loopback clients send headers in microseconds).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection stays open. Default 30 s; range 1 s–10 min (Kestrel's default is 130 s).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a request body may take to arrive in full before the host answers 408. Default 30 s; range 1 s–10 min.
    /// Kestrel also cuts off a body slower than <see cref="MinBodyBytesPerSecond"/> after <see cref="BodyRateGracePeriod"/>.
    /// </summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Slowest body a client may trickle (Kestrel's minimum request body data rate, also its default): 240 bytes/s.</summary>
    public const double MinBodyBytesPerSecond = 240;

    /// <summary>How long a body may run below <see cref="MinBodyBytesPerSecond"/> (Kestrel's grace period, also its default): 5 s.</summary>
    public static readonly TimeSpan BodyRateGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Longest request line (method, URL, version); longer gets 414. 8 KiB, Kestrel's default.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>Largest total of request headers; more gets 431. 32 KiB, Kestrel's default.</summary>
    public const int MaxRequestHeadersBytes = 32 * 1024;

    /// <summary>Most request headers; more gets 431. 64 (Kestrel's default is 100; clients of this API send under 10).</summary>
    public const int MaxRequestHeaderCount = 64;

    /// <summary>Where the host logs. Default: the console, one line per entry, on stderr.</summary>
    public ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>Inference precision of served models. Default float32.</summary>
    public Core.Serving.InferencePrecision Precision { get; init; }

    /// <summary>
    /// CPU threads for libtorch. Default 0: <see cref="ServingThreads"/>, one fewer than the machine's cores (at least 1).
    /// Range 0–1024.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// The libtorch threads the host runs with: <see cref="Threads"/> when set, else one fewer than the cores (at least
    /// 1). The HTTP stack, clients on the same machine and the next requests need a core too: on 2 cores, libtorch on
    /// both made each request wait at every parallel operation for a thread the OS had given away (the host served 24
    /// requests/s at 1 client and 97 at 8 with 2 threads, 47 and 135 with 1; 181 and 185 at 64).
    /// </summary>
    public int ServingThreads => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a setting out of range.</summary>
    public ServerOptions Validate()
    {
        Check(QueueCapacity, 1, 100_000, "--queue");
        Check(MaxBatchRows, 1, 65_536, "--max-batch-rows");
        Check(MaxBatchWait.TotalMilliseconds, 0, 1000, "--max-batch-wait-ms");
        Check(MaxBodyBytes, 1024, 64 << 20, "--max-body-bytes");
        Check(MaxCount, 1, Core.Variation.GenerationLimits.MaxCount, "--max-count");
        Check(MaxSeedRows, 1, 4096, "--max-seed-rows");
        Check(MaxRequestRows, 1, 1 << 20, "--max-request-rows");
        Check(MaxOutputPixels, 1, 1L << 30, "--max-output-pixels");
        Check(MaxResponseBytes, 64 << 10, 4L << 30, "--max-response-bytes");
        Check(DefaultTimeout.TotalMilliseconds, 1, 600_000, "--timeout-ms");
        Check(Threads, 0, 1024, "--threads");
        Check(RequestHeadersTimeout.TotalSeconds, 1, 300, "RequestHeadersTimeout (s)");
        Check(KeepAliveTimeout.TotalSeconds, 1, 600, "KeepAliveTimeout (s)");
        Check(BodyTimeout.TotalSeconds, 1, 600, "BodyTimeout (s)");
        return this;
    }

    private static void Check(double value, double min, double max, string name)
    {
        if (value < min || value > max)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}; got {value}.");
    }
}
