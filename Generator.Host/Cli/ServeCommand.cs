using System.CommandLine;
using VaeCreative.Core.Runtime;
using VaeCreative.Core.Serving;
using VaeCreative.Host.Server;

namespace VaeCreative.Host.Cli;

/// <summary><c>vaecreative serve</c>: runs the generator host until Ctrl+C or SIGTERM.</summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var urls = new Option<string>("--urls") { Description = "Address to listen on (port 0: any free port).", DefaultValueFactory = _ => defaults.Url };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a non-loopback address (other machines can then reach the host; the token is still required)." };
        var tokenFile = new Option<string?>("--token-file") { Description = $"Connection file with the token and URL (default {Client.HostConnection.DefaultPath})." };
        var models = new Option<string?>("--models") { Description = "Folder of model directories to serve besides the bundled ones; training jobs write here." };
        var outputs = new Option<string?>("--outputs") { Description = $"Folder augment jobs write below; a job's relative out is taken there (default {ServerOptions.DefaultOutputsDirectory})." };
        var inputs = new Option<string[]>("--inputs") { Description = "Folder jobs may read data from (repeatable; the outputs folder too). Default: any folder but a file-system root, a system or a home folder." };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait before the host answers 429.", DefaultValueFactory = _ => defaults.QueueCapacity };
        var noBatching = new Option<bool>("--no-batching") { Description = "Run every request alone instead of decoding concurrent requests together." };
        var maxRows = new Option<int>("--max-batch-rows") { Description = "Most decoded 2-bar rows in one model pass.", DefaultValueFactory = _ => defaults.MaxBatchRows };
        var maxWait = new Option<double>("--max-batch-wait-ms") { Description = "How long a pass waits for more requests to join.", DefaultValueFactory = _ => defaults.MaxBatchWait.TotalMilliseconds };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body.", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        var maxCount = new Option<int>("--max-count") { Description = "Most outputs per request.", DefaultValueFactory = _ => defaults.MaxCount };
        var maxSeedRows = new Option<int>("--max-seed-rows") { Description = "Largest seed in model rows (a melody's 2-bar windows; 1 for text and images): longer songs get 413.", DefaultValueFactory = _ => defaults.MaxSeedRows };
        var maxRequestRows = new Option<int>("--max-request-rows") { Description = "Most model rows one request may decode (outputs × the seed's rows).", DefaultValueFactory = _ => defaults.MaxRequestRows };
        var maxOutputPixels = new Option<long>("--max-output-pixels") { Description = "Most pixels of one request's outputs together (images come back at the seed's size).", DefaultValueFactory = _ => defaults.MaxOutputPixels };
        var maxResponseBytes = new Option<long>("--max-response-bytes") { Description = "Most bytes one generation answer may take (outputs' largest encodings, checked before the work; previews as they are made).", DefaultValueFactory = _ => defaults.MaxResponseBytes };
        var timeout = new Option<int>("--timeout-ms") { Description = "Deadline for a request to reach the model when it names none.", DefaultValueFactory = _ => (int)defaults.DefaultTimeout.TotalMilliseconds };
        var precision = new Option<string>("--precision")
        {
            Description = "Inference precision: auto (bf16 on CPUs with native bfloat16, where it keeps the bundled model's accuracy and is faster; else fp32), fp32 or bf16.",
            DefaultValueFactory = _ => "auto",
        };
        precision.AcceptOnlyFromAmong(["auto", .. InferencePrecisionNames.All]);
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: one fewer than the machine's cores, at least 1, leaving a core for the HTTP stack).", DefaultValueFactory = _ => 0 };

        var command = new Command("serve", "Run the generator host: a local HTTP API that creative tools call for variations.")
        {
            urls, allowRemote, tokenFile, models, outputs, inputs, queue, noBatching, maxRows, maxWait, maxBody, maxCount, maxSeedRows, maxRequestRows, maxOutputPixels, maxResponseBytes, timeout, precision, threads,
        };
        command.SetAction(async (p, ct) =>
        {
            var options = new ServerOptions
            {
                Url = p.GetValue(urls)!,
                AllowRemote = p.GetValue(allowRemote),
                TokenFile = p.GetValue(tokenFile),
                ModelsDirectory = p.GetValue(models),
                OutputsDirectory = p.GetValue(outputs),
                InputDirectories = p.GetValue(inputs) ?? [],
                QueueCapacity = p.GetValue(queue),
                Batching = !p.GetValue(noBatching),
                MaxBatchRows = p.GetValue(maxRows),
                MaxBatchWait = TimeSpan.FromMilliseconds(p.GetValue(maxWait)),
                MaxBodyBytes = p.GetValue(maxBody),
                MaxCount = p.GetValue(maxCount),
                MaxSeedRows = p.GetValue(maxSeedRows),
                MaxRequestRows = p.GetValue(maxRequestRows),
                MaxOutputPixels = p.GetValue(maxOutputPixels),
                MaxResponseBytes = p.GetValue(maxResponseBytes),
                DefaultTimeout = TimeSpan.FromMilliseconds(p.GetValue(timeout)),
                Precision = p.GetValue(precision) == "auto" ? AutoPrecision() : InferencePrecisionNames.Parse(p.GetValue(precision)!),
                Threads = p.GetValue(threads),
            };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new CliException(e.Message.Split('\n')[0].Split(" (Parameter")[0], 2); }
            await using var server = await GeneratorServer.StartAsync(options, ct);
            Console.Out.WriteLine($"listening on {server.Url.ToString().TrimEnd('/')}");
            Console.Out.Flush();
            var console = Terminal.Error;
            console.Line($"token file: {Path.GetFullPath(options.TokenFile ?? Client.HostConnection.DefaultPath)} (send 'Authorization: Bearer TOKEN')");
            console.Line($"precision: {InferencePrecisionNames.NameOf(options.Precision)}; queue {options.QueueCapacity}, batching {(options.Batching ? $"on (up to {options.MaxBatchRows} rows, {options.MaxBatchWait.TotalMilliseconds} ms wait)" : "off")}");
            console.Line($"jobs write below {options.Outputs}{(options.ModelsDirectory is { } m ? $" (models into {Path.GetFullPath(m)})" : "")}" +
                $" and read {(options.InputDirectories.Count == 0 ? "from any folder but a root, system or home folder" : $"from {string.Join(", ", options.InputDirectories.Select(Path.GetFullPath))} and there")}");
            console.Line($"models: {string.Join(", ", server.Context.Catalog.Scan().Select(m => m.Id))}; API: {server.Url}openapi/v1.json; Ctrl+C stops");
            await server.WaitForShutdownAsync(ct);
            console.Line("stopping: finishing queued requests …");
            return 0;
        });
        return command;
    }

    /// <summary>--precision auto: bf16 on CPUs with native bfloat16 (not on CUDA), else fp32.</summary>
    public static InferencePrecision AutoPrecision() =>
        CpuFeatures.HasNativeBFloat16 && !TorchRuntime.DefaultDevice.type.Equals(TorchSharp.DeviceType.CUDA) ? InferencePrecision.BFloat16 : InferencePrecision.Float32;
}
