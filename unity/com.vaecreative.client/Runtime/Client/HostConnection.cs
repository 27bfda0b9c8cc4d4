#nullable enable
using System;
using System.IO;
using System.Text.Json;

namespace VaeCreative.Client
{
    /// <summary>
    /// Where a running host listens and the token it accepts: the host writes this file (readable only by its
    /// user) at start; clients on the same machine read it to connect without configuration.
    /// </summary>
    public sealed class HostConnection
    {
        /// <summary>Environment variable that overrides <see cref="DefaultPath"/>.</summary>
        public const string PathVariable = "VAECREATIVE_HOST_FILE";

        /// <summary>Base URL of the host, e.g. http://127.0.0.1:5117 (null until a host has started).</summary>
        public string? Url { get; set; }

        /// <summary>The bearer token (256 random bits, base64url).</summary>
        public string Token { get; set; } = "";

        /// <summary>Process id of the host that last wrote the file.</summary>
        public int? Pid { get; set; }

        /// <summary>
        /// <c>$VAECREATIVE_HOST_FILE</c>, else <c>host.json</c> under the user's config folder
        /// (<c>~/.config/vaecreative</c> on Linux and macOS, <c>%APPDATA%\vaecreative</c> on Windows).
        /// </summary>
        public static string DefaultPath
        {
            get
            {
                var overridden = Environment.GetEnvironmentVariable(PathVariable);
                if (!string.IsNullOrEmpty(overridden)) return overridden!;
                var config = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
                if (string.IsNullOrEmpty(config))
                    config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
                return Path.Combine(config, "vaecreative", "host.json");
            }
        }

        /// <summary>JSON settings of the file and of the API (camelCase, nulls left out).</summary>
        public static JsonSerializerOptions JsonOptions { get; } = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            // Problem details quote user input ('…'); keep it readable rather than \u0027-escaped (this is not HTML).
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        /// <summary>
        /// Whether the process <paramref name="pid"/> runs on this machine: null where the platform cannot tell
        /// (some Unity targets have no process list), so callers treat an unknown as running.
        /// </summary>
        public static bool? IsProcessRunning(int pid)
        {
            try
            {
                using (var process = System.Diagnostics.Process.GetProcessById(pid))
                    return !process.HasExited;
            }
            catch (ArgumentException) { return false; } // no process with that id
            catch (InvalidOperationException) { return false; } // it exited while we looked
            catch (Exception e) when (e is PlatformNotSupportedException || e is NotSupportedException || e is System.ComponentModel.Win32Exception) { return null; }
        }

        /// <summary>Reads the file at <paramref name="path"/> (default <see cref="DefaultPath"/>).</summary>
        /// <exception cref="VaeCreativeException">The file is missing, unreadable or damaged.</exception>
        public static HostConnection Read(string? path = null)
        {
            path = path ?? DefaultPath;
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new VaeCreativeException($"no host connection file at '{path}': start the host with 'vaecreative serve' (or pass the URL and token explicitly).", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new VaeCreativeException($"cannot read the host connection file '{path}': {e.Message}", e);
            }
            HostConnection? connection;
            try { connection = JsonSerializer.Deserialize<HostConnection>(text, JsonOptions); }
            catch (JsonException e) { throw new VaeCreativeException($"the host connection file '{path}' is not valid JSON: {e.Message}", e); }
            if (connection == null || string.IsNullOrEmpty(connection.Token))
                throw new VaeCreativeException($"the host connection file '{path}' holds no token.");
            return connection;
        }
    }
}
