using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using VaeCreative.Client;
using VaeCreative.Host.Server;
using VaeCreative.Host.Server.Studio;

namespace VaeCreative.Host.Cli;

/// <summary>
/// <c>vaecreative studio</c>: opens the studio page in the user's browser, on the host the connection file names when
/// one answers there with its token, else on a host it starts (and runs until Ctrl+C, like <c>serve</c>).
/// The page's URL carries the token in its fragment (<c>/studio#token=…</c>), which browsers never send to a server.
/// </summary>
public static class StudioCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var urls = new Option<string>("--urls") { Description = "Address a host started here listens on (port 0: any free port).", DefaultValueFactory = _ => defaults.Url };
        var tokenFile = new Option<string?>("--token-file") { Description = $"Connection file of the running host, or of the one started here (default {HostConnection.DefaultPath})." };
        var models = new Option<string?>("--models") { Description = "Folder of model directories a host started here serves besides the bundled ones; the page's training writes here." };
        var outputs = new Option<string?>("--outputs") { Description = $"Folder a host started here lets augment jobs write below; the page's relative output folders are taken there (default {ServerOptions.DefaultOutputsDirectory})." };
        var inputs = new Option<string[]>("--inputs") { Description = "Folder a host started here lets jobs read data from (repeatable; the outputs folder too). Default: any folder but a file-system root, a system or a home folder." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the page's URL instead of opening a browser." };
        var command = new Command("studio", "Open the studio page in the browser: vary, interpolate and train with the host's models (starts the host when none runs).")
        {
            urls, tokenFile, models, outputs, inputs, noBrowser,
        };
        command.SetAction(async (p, ct) =>
        {
            var file = Path.GetFullPath(p.GetValue(tokenFile) ?? HostConnection.DefaultPath);
            var console = Terminal.Error;
            if (await FindRunningHost(file, ct) is { } running)
            {
                console.Line($"studio: the host at {running.Url} (from {file}) is running; opening its page.");
                if (p.GetValue(models) is not null || p.GetValue(outputs) is not null || p.GetValue(inputs) is { Length: > 0 })
                    console.Line("studio: --models, --outputs and --inputs apply to a host started here; the running host keeps the folders it was started with.");
                Open(PageUrl(new Uri(running.Url!), running.Token), p.GetValue(noBrowser), console);
                return 0;
            }
            var options = new ServerOptions
            {
                Url = p.GetValue(urls)!,
                TokenFile = file,
                ModelsDirectory = p.GetValue(models),
                OutputsDirectory = p.GetValue(outputs),
                InputDirectories = p.GetValue(inputs) ?? [],
                Precision = ServeCommand.AutoPrecision(),
            };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new CliException(e.Message.Split('\n')[0].Split(" (Parameter")[0], 2); }
            GeneratorServer server;
            try { server = await GeneratorServer.StartAsync(options, ct); }
            catch (AddressInUseException taken) when (p.GetResult(urls) is not { Implicit: false })
            {
                // Only the default address: one the user named is theirs to change.
                console.Line($"studio: {taken.Url} is taken by another program; the host listens on a free port instead.");
                server = await GeneratorServer.StartAsync(options with { Url = "http://127.0.0.1:0" }, ct);
            }
            await using var _ = server;
            console.Line($"studio: started a host on {server.Url.ToString().TrimEnd('/')} (models: {string.Join(", ", server.Context.Catalog.Scan().Select(m => m.Id))}); Ctrl+C stops it.");
            console.Line($"studio: augmenting writes below {options.Outputs}.");
            if (options.ModelsDirectory is null) console.Line("studio: training from the page needs a folder to write models to: start with --models DIR.");
            Open(PageUrl(server.Url, server.Token), p.GetValue(noBrowser), console);
            await server.WaitForShutdownAsync(ct);
            console.Line("stopping: finishing queued requests …");
            return 0;
        });
        return command;
    }

    /// <summary><c>{host}/studio#token={token}</c>.</summary>
    public static string PageUrl(Uri host, string token) => $"{host.ToString().TrimEnd('/')}{StudioEndpoints.PagePath}#token={Uri.EscapeDataString(token)}";

    /// <summary>
    /// The connection in <paramref name="file"/> when a host answers at its URL and accepts its token (an authorised
    /// request, within a few seconds); null when there is no file, no URL, no such process or no answer.
    /// </summary>
    private static async Task<HostConnection?> FindRunningHost(string file, CancellationToken ct)
    {
        HostConnection connection;
        try { connection = HostConnection.Read(file); }
        catch (VaeCreativeException) { return null; }
        if (connection.Url is null || (connection.Pid is { } pid && HostConnection.IsProcessRunning(pid) == false)) return null;
        try
        {
            using var client = VaeCreativeClient.FromConnectionFile(file, new VaeCreativeClientOptions { MaxRetries = 0 });
            await client.InfoAsync(ct).WaitAsync(TimeSpan.FromSeconds(5), ct);
            return connection;
        }
        catch (Exception e) when (e is VaeCreativeException or HttpRequestException or TimeoutException or UriFormatException) { return null; }
    }

    /// <summary>Prints <paramref name="url"/> on stdout (the one line there) and, unless told not to, opens it in the user's browser.</summary>
    private static void Open(string url, bool noBrowser, Terminal console)
    {
        Console.Out.WriteLine(url);
        Console.Out.Flush();
        if (noBrowser)
        {
            console.Line("studio: open the URL above in a browser (it holds the host's token: keep it to yourself).");
            return;
        }
        if (!TryOpenBrowser(url))
            console.Line("studio: no browser could be opened here; open the URL above in one (it holds the host's token: keep it to yourself).");
    }

    /// <summary>Starts the platform's opener (xdg-open, open, or the shell on Windows); false when it is missing or fails at once.</summary>
    private static bool TryOpenBrowser(string url)
    {
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows()) start = new ProcessStartInfo(url) { UseShellExecute = true };
        else
        {
            start = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open") { UseShellExecute = false };
            start.ArgumentList.Add(url);
        }
        try
        {
            using var process = Process.Start(start);
            if (process is null) return OperatingSystem.IsWindows();
            // xdg-open and open return once the browser has the URL; a failure (no browser, no display) shows as an exit code.
            // One that is still running after a few seconds is a browser that took over: that worked.
            return !process.WaitForExit(TimeSpan.FromSeconds(10)) || process.ExitCode == 0;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException) { return false; }
    }
}
