using System.Security.Cryptography;
using System.Text.Json;
using VaeCreative.Client;
using VaeCreative.Core.Checkpoints;

namespace VaeCreative.Host.Server.Security;

/// <summary>
/// The host's token, kept in the connection file: made (256 random bits) on first start, reused after, readable
/// only by the user (0600; a folder it creates is 0700). Each start records the URL the host listens on so clients can find it.
/// </summary>
public static class HostTokenFile
{
    /// <summary>
    /// The token in <paramref name="path"/>, creating the file with a new token when there is none. A file that other
    /// users could read (any group or other permission bit) is treated as a leaked token: it gets a new token and is
    /// made 0600 again, and <paramref name="warn"/> says so. (Refusing to start would only push users to chmod by hand.)
    /// </summary>
    public static string LoadOrCreate(string path, Action<string>? warn = null)
    {
        if (File.Exists(path))
        {
            var existing = HostConnection.Read(path);
            if (!IsExposed(path)) return existing.Token;
            var fresh = NewToken();
            Write(path, new HostConnection { Token = fresh });
            warn?.Invoke($"the connection file {path} was readable by other users; it now holds a new token and only you can read it.");
            return fresh;
        }
        var token = NewToken();
        Write(path, new HostConnection { Token = token });
        return token;
    }

    /// <summary>Records the URL (and this process) next to the token; null clears them at shutdown.</summary>
    public static void RecordUrl(string path, string token, string? url) =>
        Write(path, new HostConnection { Token = token, Url = url, Pid = url is null ? null : Environment.ProcessId });

    /// <summary>Writes through <see cref="AtomicFile"/> (flushed, renamed, folder flushed); on Unix the file is created 0600 in a 0700 folder.</summary>
    private static void Write(string path, HostConnection connection)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, options);
            JsonSerializer.Serialize(stream, connection, HostConnection.JsonOptions);
        });
    }

    private static bool IsExposed(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
