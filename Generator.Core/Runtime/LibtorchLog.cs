using System.Runtime.InteropServices;

namespace VaeCreative.Core.Runtime;

/// <summary>
/// libtorch's own log threshold (c10's <c>FLAGS_caffe2_log_level</c>, which the environment variable
/// <c>TORCH_CPP_LOG_LEVEL</c> sets when the library loads), raised for a moment around calls whose warnings say nothing
/// to a user.
/// </summary>
/// <remarks>
/// The flag is an exported variable of libc10, found in the already loaded library; where it cannot be found
/// (another build or platform) nothing is raised and the warnings are printed as libtorch prints them.
/// </remarks>
public static class LibtorchLog
{
    /// <summary>c10's severity for errors: messages below it (info, warnings) are not printed.</summary>
    private const int ErrorSeverity = 2;

    private static readonly Lock Gate = new();
    private static readonly Lazy<IntPtr> LevelFlag = new(FindLevelFlag);

    /// <summary>
    /// <paramref name="work"/>'s result, with libtorch's warnings (from any thread) left unprinted while it runs. For
    /// warnings libtorch prints once per process, such as FBGEMM's deprecation notice (<see cref="FbgemmFp16"/>): run
    /// the first call under it.
    /// </summary>
    public static T WithoutWarnings<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        TorchRuntime.EnsureLoaded();
        var flag = LevelFlag.Value;
        if (flag == IntPtr.Zero) return work();
        lock (Gate)
        {
            var before = Marshal.ReadInt32(flag);
            Marshal.WriteInt32(flag, Math.Max(before, ErrorSeverity));
            try
            {
                return work();
            }
            finally
            {
                Marshal.WriteInt32(flag, before);
            }
        }
    }

    /// <summary>libtorch's log threshold now (0 info, 1 warnings, 2 errors); null where the flag was not found.</summary>
    internal static int? Level
    {
        get
        {
            TorchRuntime.EnsureLoaded();
            return LevelFlag.Value == IntPtr.Zero ? null : Marshal.ReadInt32(LevelFlag.Value);
        }
    }

    private static IntPtr FindLevelFlag()
    {
        foreach (var name in new[] { "libc10.so", "libc10.dylib", "c10.dll", "c10" })
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "FLAGS_caffe2_log_level", out var flag))
                return flag;
        return IntPtr.Zero;
    }
}
