using System.Security.Cryptography;
using System.Text.Json;
using VaeCreative.Client;

namespace VaeCreative.Host.Server.Security;

/// <summary>
/// The host's token, kept in the connection file: made (256 random bits) on first start, reused after, readable
/// only by the user. Each start records the URL the host listens on so clients can find it.
/// </summary>
public static class HostTokenFile
{
    /// <summary>The token in <paramref name="path"/>, creating the file with a new token when there is none.</summary>
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = HostConnection.Read(path);
            RestrictToUser(path);
            return existing.Token;
        }
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        Write(path, new HostConnection { Token = token });
        return token;
    }

    /// <summary>Records the URL (and this process) next to the token; null clears them at shutdown.</summary>
    public static void RecordUrl(string path, string token, string? url) =>
        Write(path, new HostConnection { Token = token, Url = url, Pid = url is null ? null : Environment.ProcessId });

    /// <summary>Writes atomically (temp file + rename); on Unix the file is created 0600 in a 0700 folder.</summary>
    private static void Write(string path, HostConnection connection)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
                JsonSerializer.Serialize(stream, connection, HostConnection.JsonOptions);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // A token file someone loosened by hand is tightened again: the token is a password.
    private static void RestrictToUser(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var wanted = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (File.GetUnixFileMode(path) != wanted) File.SetUnixFileMode(path, wanted);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
