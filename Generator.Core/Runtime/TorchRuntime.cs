using System.Runtime.InteropServices;
using TorchSharp;

namespace VaeCreative.Core.Runtime;

/// <summary>
/// Loads TorchSharp's native library once and turns a loader failure into one readable paragraph
/// instead of the raw dlopen trace.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>The TorchSharp version this build references.</summary>
    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>The device generation runs on: CUDA when a CUDA build is present and a GPU is visible, else CPU.</summary>
    public static torch.Device DefaultDevice
    {
        get
        {
            EnsureLoaded();
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }

    /// <summary>Makes sure libtorch is loaded; throws <see cref="TorchUnavailableException"/> with a fix when it cannot be.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            // TorchSharp prints its loader trace to stdout when loading fails; keep it off the user's screen.
            var stdout = Console.Out;
            Console.SetOut(TextWriter.Null);
            try
            {
                // Any tensor op forces the native load.
                using var probe = torch.zeros(1);
                _loaded = true;
                FlushDenormals();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new TorchUnavailableException(Explain(e), e);
            }
            finally
            {
                Console.SetOut(stdout);
            }
        }
    }

    /// <summary>
    /// Sets the intra-op thread count of the calling thread, and of threads that start libtorch work later
    /// (0 keeps libtorch's default).
    /// </summary>
    /// <remarks>
    /// libtorch's count is per OS thread (OpenMP's <c>nthreads</c>). A thread takes the process-wide count lazily, at its
    /// first parallel operation, and that replaces what <c>set_num_threads</c> gave it before: a thread that set 1 and
    /// then ran its first operation after another thread set 2 ran with 2, and a seeded training run came out a rounding
    /// step different (seen: a resume test failing once in CI). So the lazy initialisation is forced first, and the count
    /// set after it holds on this thread whatever other threads set later. Results depend on the thread count (parallel
    /// reductions add in another order), so code that must repeat a run sets it on the thread that does the work.
    /// </remarks>
    public static void SetThreads(int threads)
    {
        EnsureLoaded();
        // Before the thread's first parallel operation: the OpenMP workers it starts then inherit its floating-point mode.
        FlushDenormals();
        _ = torch.get_num_threads(); // forces this thread's lazy initialisation, which would otherwise undo the count below
        if (threads > 0) torch.set_num_threads(threads);
    }

    /// <summary>
    /// Makes the calling thread's CPU treat denormal floats (below 1.2e-38) as zero, as PyTorch's
    /// <c>torch.set_flush_denormal(True)</c> does; threads it starts later inherit the mode. Returns false where the CPU
    /// or the libtorch build cannot (then nothing changes).
    /// </summary>
    /// <remarks>
    /// Arithmetic on denormals takes a slow path on x86 CPUs, often a hundred times slower. A text model's softmax over
    /// thousands of tokens gives them once it is sure of its predictions: a training run fell from 71 to 23 snippets/s
    /// within 200 steps and stayed there. Values that small are noise to every model here. TorchSharp does not expose the
    /// setting, so libtorch's own (exported) <c>at::globalContext().setFlushDenormal</c> is called.
    /// </remarks>
    public static bool FlushDenormals()
    {
        try
        {
            return SetFlushDenormal(GlobalContext(), true);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);

    /// <summary>The intra-op thread count libtorch uses on the calling thread.</summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
    }

    /// <summary>
    /// Held by everything here that draws from libtorch's one global generator, which module constructors draw their
    /// initial weights from: model loading (<see cref="Checkpoints.ModelDirectory"/>) and <see cref="SeededBuild{T}"/>.
    /// Without it, a host loading a model while a training job builds its seeded model gives the job other weights.
    /// </summary>
    public static Lock GlobalGeneratorGate { get; } = new();

    /// <summary>
    /// <paramref name="build"/>'s result, built right after seeding libtorch's global generator with <paramref name="seed"/>,
    /// under <see cref="GlobalGeneratorGate"/>: the same seed gives the same initial weights however many threads load or
    /// build models meanwhile (for models whose constructors take no generator of their own).
    /// </summary>
    public static T SeededBuild<T>(long seed, Func<T> build)
    {
        EnsureLoaded();
        lock (GlobalGeneratorGate)
        {
            torch.manual_seed(seed);
            return build();
        }
    }

    /// <summary>True when <paramref name="e"/> (or an inner exception) is a native-library load failure.</summary>
    /// <remarks>
    /// libtorch's own runtime errors arrive as <see cref="ExternalException"/>s whose backtraces name libtorch's
    /// files; they are errors of a loaded library, not load failures (a bfloat16 model given float32 input was once
    /// reported as "cannot load its native library").
    /// </remarks>
    public static bool IsLoadFailure(Exception e) =>
        Chain(e).Any(x => x is DllNotFoundException or BadImageFormatException ||
                          (x is not ExternalException &&
                           (x.Message.Contains("GLIBCXX", StringComparison.Ordinal) ||
                            x.Message.Contains("libtorch", StringComparison.OrdinalIgnoreCase) ||
                            x.Message.Contains("LibTorchSharp", StringComparison.Ordinal))));

    /// <summary>One paragraph saying what is missing and how to fix it.</summary>
    public static string Explain(Exception e)
    {
        var all = string.Join(" | ", Chain(e).Select(x => x.Message)) + " | " + DirectLoadError();
        if (all.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal) || all.Contains("GLIBCXX", StringComparison.Ordinal))
        {
            return "TorchSharp cannot load its native library: it needs libstdc++ from GCC 13 or newer " +
                   "(symbol version GLIBCXX_3.4.32) and this system's libstdc++ is older (Debian 12 ships GCC 12's). " +
                   "Fix: run ./scripts/setup.sh from the repository as root (it adds Debian 13 with pin priority 100 " +
                   "and installs only libstdc++6 from it), or install libstdc++6 from GCC 13+ with your package manager.";
        }
        var rid = RuntimeInformation.RuntimeIdentifier;
        return $"TorchSharp cannot load its native library (libtorch) on {rid}: {FirstLine(all)}. " +
               "Fix: make sure the app references a libtorch backend package, TorchSharp-cpu (or, with -p:TorchBackend=cuda, " +
               "the CUDA package for this OS; the VaeCreative packages leave that choice to the app), and that it restored " +
               "completely (delete bin/ and obj/, then rebuild), and on Linux run ./scripts/setup.sh.";
    }

    /// <summary>The dynamic loader's own error for TorchSharp's native shim, which names a missing symbol or library.</summary>
    private static string DirectLoadError()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var name = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        foreach (var dir in new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"), Path.Combine(AppContext.BaseDirectory, "cpu"), AppContext.BaseDirectory })
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path)) continue;
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(path));
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                return e.Message;
            }
        }
        return "";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    private static string FirstLine(string s)
    {
        var line = s.Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
