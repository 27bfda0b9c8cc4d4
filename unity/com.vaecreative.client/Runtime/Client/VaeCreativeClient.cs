#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VaeCreative.Client.Contracts;

namespace VaeCreative.Client
{
    /// <summary>
    /// Typed client for a running VaeCreative host. Thread-safe; reuse one instance. Retries only 429/503
    /// answers, with back-off that honours the host's Retry-After.
    /// </summary>
    public sealed class VaeCreativeClient : IDisposable
    {
        private readonly HttpClient http;
        private readonly bool ownsHttp;
        private readonly VaeCreativeClientOptions options;

        /// <summary>Connects to <paramref name="baseUrl"/> with <paramref name="token"/>.</summary>
        /// <param name="baseUrl">The host's URL, e.g. http://127.0.0.1:5117.</param>
        /// <param name="token">The host's bearer token.</param>
        /// <param name="httpClient">An HttpClient to use (its BaseAddress is ignored); the client makes its own when null.</param>
        /// <param name="options">Retry settings.</param>
        public VaeCreativeClient(Uri baseUrl, string token, HttpClient? httpClient = null, VaeCreativeClientOptions? options = null)
        {
            if (baseUrl == null) throw new ArgumentNullException(nameof(baseUrl));
            if (string.IsNullOrEmpty(token)) throw new ArgumentException("the token is empty.", nameof(token));
            BaseUrl = new Uri(baseUrl.ToString().TrimEnd('/') + "/");
            Token = token;
            ownsHttp = httpClient == null;
            http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            this.options = options ?? new VaeCreativeClientOptions();
        }

        /// <summary>A client for the host described by the connection file (default <see cref="HostConnection.DefaultPath"/>).</summary>
        /// <exception cref="VaeCreativeException">The file is missing or damaged, names no URL, or names a host process that is no longer running.</exception>
        public static VaeCreativeClient FromConnectionFile(string? path = null, VaeCreativeClientOptions? options = null)
        {
            var file = path ?? HostConnection.DefaultPath;
            var connection = HostConnection.Read(file);
            if (string.IsNullOrEmpty(connection.Url))
                throw new VaeCreativeException($"the host connection file '{file}' has no URL: is the host running? Start it with `vaecreative serve`.");
            // A host killed without shutting down leaves its URL behind; say so rather than fail later with "connection refused".
            if (connection.Pid is int pid && HostConnection.IsProcessRunning(pid) == false)
                throw new VaeCreativeException($"the host recorded in {file} (pid {pid}) is not running; start it with `vaecreative serve`.");
            return new VaeCreativeClient(new Uri(connection.Url), connection.Token, null, options);
        }

        /// <summary>The host's base URL.</summary>
        public Uri BaseUrl { get; }

        /// <summary>The bearer token sent with every request.</summary>
        public string Token { get; }

        /// <summary>Whether the host is up (needs no token).</summary>
        public Task<HealthResponse> HealthAsync(CancellationToken cancellationToken = default) =>
            SendAsync<HealthResponse>(HttpMethod.Get, "v1/health", null, cancellationToken);

        /// <summary>Version, capabilities, devices, queue and limits.</summary>
        public Task<HostInfo> InfoAsync(CancellationToken cancellationToken = default) =>
            SendAsync<HostInfo>(HttpMethod.Get, "v1/info", null, cancellationToken);

        /// <summary>The models the host serves.</summary>
        public Task<List<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
            SendAsync<List<ModelInfo>>(HttpMethod.Get, "v1/models", null, cancellationToken);

        /// <summary>Variations of a seed.</summary>
        public Task<GenerationResponse> VaryAsync(string modelId, VariationsRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<GenerationResponse>(HttpMethod.Post, $"v1/models/{Escape(modelId)}/variations", request, cancellationToken);

        /// <summary>Variations of a MIDI file's melody: a shortcut for <see cref="VaryAsync(string, VariationsRequest, CancellationToken)"/>.</summary>
        public async Task<IReadOnlyList<byte[]>> VaryMidiAsync(string modelId, byte[] midiFile, int count = 8, double similarity = 0.75,
            double temperature = 0.5, long rng = 0, CancellationToken cancellationToken = default)
        {
            var response = await VaryAsync(modelId, new VariationsRequest
            {
                Seed = Material.FromMidi(midiFile), Count = count, Similarity = similarity, Temperature = temperature, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(o => o.MidiBytes());
        }

        /// <summary>Variations of a text snippet (a text model): a shortcut for <see cref="VaryAsync(string, VariationsRequest, CancellationToken)"/>.</summary>
        public async Task<IReadOnlyList<string>> VaryTextAsync(string modelId, string text, int count = 8, double similarity = 0.75,
            double temperature = 0.5, long rng = 0, CancellationToken cancellationToken = default)
        {
            var response = await VaryAsync(modelId, new VariationsRequest
            {
                Seed = Material.FromText(text), Count = count, Similarity = similarity, Temperature = temperature, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(TextOf);
        }

        /// <summary>Snippets on the way from <paramref name="from"/> to <paramref name="to"/> (a text model), both ends included.</summary>
        public async Task<IReadOnlyList<string>> InterpolateTextAsync(string modelId, string from, string to, int steps = 5, long rng = 0,
            CancellationToken cancellationToken = default)
        {
            var response = await InterpolateAsync(modelId, new InterpolationsRequest
            {
                From = Material.FromText(from), To = Material.FromText(to), Steps = steps, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(TextOf);
        }

        /// <summary>New snippets from a text model's prior.</summary>
        public async Task<IReadOnlyList<string>> SampleTextAsync(string modelId, int count = 8, double temperature = 0.5, long rng = 0,
            CancellationToken cancellationToken = default)
        {
            var response = await SampleAsync(modelId, new SamplesRequest { Count = count, Temperature = temperature, Rng = rng }, cancellationToken)
                .ConfigureAwait(false);
            return response.Outputs.ConvertAll(TextOf);
        }

        /// <summary>
        /// Variations of an image (an image model): PNG bytes at the seed's size, in its mode family (grey, opaque, or with
        /// alpha). <paramref name="keepPalette"/>: true snaps outputs to the seed's colours, false never, null (the default) when the seed has at most 64.
        /// </summary>
        public async Task<IReadOnlyList<byte[]>> VaryImageAsync(string modelId, byte[] image, int count = 8, double similarity = 0.75,
            double temperature = 0, long rng = 0, bool? keepPalette = null, CancellationToken cancellationToken = default)
        {
            var response = await VaryAsync(modelId, new VariationsRequest
            {
                Seed = Material.FromImage(image, keepPalette), Count = count, Similarity = similarity, Temperature = temperature, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(ImageOf);
        }

        /// <summary>PNG frames on the way from one image to another (an image model), both ends included, at the first image's size.</summary>
        public async Task<IReadOnlyList<byte[]>> InterpolateImageAsync(string modelId, byte[] from, byte[] to, int steps = 5, long rng = 0,
            CancellationToken cancellationToken = default)
        {
            var response = await InterpolateAsync(modelId, new InterpolationsRequest
            {
                From = Material.FromImage(from), To = Material.FromImage(to), Steps = steps, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(ImageOf);
        }

        /// <summary>New PNG images from an image model's prior, at the model's size.</summary>
        public async Task<IReadOnlyList<byte[]>> SampleImageAsync(string modelId, int count = 8, double temperature = 0, long rng = 0,
            CancellationToken cancellationToken = default)
        {
            var response = await SampleAsync(modelId, new SamplesRequest { Count = count, Temperature = temperature, Rng = rng }, cancellationToken)
                .ConfigureAwait(false);
            return response.Outputs.ConvertAll(ImageOf);
        }

        /// <summary>A seed's latent codes (an image model): the answer's one output is the latent file (<c>application/x-safetensors</c>).</summary>
        public Task<GenerationResponse> EncodeAsync(string modelId, EncodingsRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<GenerationResponse>(HttpMethod.Post, $"v1/models/{Escape(modelId)}/encodings", request, cancellationToken);

        /// <summary>Material decoded from a latent file, one output per row of its codes.</summary>
        public Task<GenerationResponse> DecodeAsync(string modelId, DecodingsRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<GenerationResponse>(HttpMethod.Post, $"v1/models/{Escape(modelId)}/decodings", request, cancellationToken);

        /// <summary>
        /// An image's latent file (safetensors bytes: <c>latent_tensor</c>, the posterior mean [1, channels, height / d,
        /// width / d], and <c>latent_std</c>), which <see cref="DecodeImagesAsync"/>, <c>vaecreative decode</c> and ComfyUI's LoadLatent read.
        /// </summary>
        public async Task<byte[]> EncodeImageAsync(string modelId, byte[] image, CancellationToken cancellationToken = default)
        {
            var response = await EncodeAsync(modelId, new EncodingsRequest { Seed = Material.FromImage(image) }, cancellationToken).ConfigureAwait(false);
            var latent = response.Outputs.Count == 1 ? response.Outputs[0] : null;
            return latent?.Data != null && latent.MediaType == LatentMediaType
                ? System.Convert.FromBase64String(latent.Data)
                : throw new InvalidOperationException("the host answered no latent file; is it an image model?");
        }

        /// <summary>PNG images decoded from a latent file's codes (one per row), at the size it was encoded from.</summary>
        public async Task<IReadOnlyList<byte[]>> DecodeImagesAsync(string modelId, byte[] latentFile, double temperature = 0, long rng = 0,
            CancellationToken cancellationToken = default)
        {
            var response = await DecodeAsync(modelId, new DecodingsRequest
            {
                Latent = Material.FromBytes(LatentMediaType, latentFile), Temperature = temperature, Rng = rng,
            }, cancellationToken).ConfigureAwait(false);
            return response.Outputs.ConvertAll(ImageOf);
        }

        /// <summary>Media type of latent files in requests and answers.</summary>
        public const string LatentMediaType = "application/x-safetensors";

        private static byte[] ImageOf(Material output) =>
            output.MediaType == "image/png" && output.Data != null
                ? System.Convert.FromBase64String(output.Data)
                : throw new InvalidOperationException($"the model answered {output.MediaType ?? "text"} material, not an image; is it an image model?");

        private static string TextOf(Material output) =>
            output.Text ?? throw new InvalidOperationException($"the model answered {output.MediaType ?? "binary"} material, not text; is it a text model?");

        /// <summary>Outputs on the way from one material to another.</summary>
        public Task<GenerationResponse> InterpolateAsync(string modelId, InterpolationsRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<GenerationResponse>(HttpMethod.Post, $"v1/models/{Escape(modelId)}/interpolations", request, cancellationToken);

        /// <summary>New material drawn from the model's prior.</summary>
        public Task<GenerationResponse> SampleAsync(string modelId, SamplesRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<GenerationResponse>(HttpMethod.Post, $"v1/models/{Escape(modelId)}/samples", request, cancellationToken);

        /// <summary>Starts a job on the host: training a new model, or (kind augment) varying every file of a folder into another.</summary>
        public Task<JobState> StartJobAsync(JobRequest request, CancellationToken cancellationToken = default) =>
            SendAsync<JobState>(HttpMethod.Post, "v1/jobs", request, cancellationToken);

        /// <summary>A training job's state.</summary>
        public Task<JobState> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
            SendAsync<JobState>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}", null, cancellationToken);

        /// <summary>Cancels a training job (only that one); returns its state.</summary>
        public Task<JobState> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
            SendAsync<JobState>(HttpMethod.Delete, $"v1/jobs/{Escape(jobId)}", null, cancellationToken);

        /// <summary>
        /// The job's progress as it happens (Server-Sent Events): one state per report, ending with the finished state.
        /// </summary>
        public async IAsyncEnumerable<JobState> WatchJobAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using (var request = NewRequest(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}/events", null))
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using (var response = await Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
                {
                    await ThrowIfProblem(response).ConfigureAwait(false);
                    using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                    using (var reader = new StreamReader(stream, Encoding.UTF8))
                    {
                        var data = new StringBuilder();
                        while (true)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            var line = await reader.ReadLineAsync().ConfigureAwait(false);
                            if (line == null) yield break;
                            if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line.Substring(5).TrimStart());
                            else if (line.Length == 0 && data.Length > 0)
                            {
                                var job = JsonSerializer.Deserialize<JobState>(data.ToString(), HostConnection.JsonOptions)!;
                                data.Clear();
                                yield return job;
                                if (job.Finished) yield break;
                            }
                        }
                    }
                }
            }
        }

        private static string Escape(string id) => Uri.EscapeDataString(id ?? throw new ArgumentNullException(nameof(id)));

        private HttpRequestMessage NewRequest(HttpMethod method, string path, object? body)
        {
            var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            if (body != null)
                request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), HostConnection.JsonOptions), Encoding.UTF8, "application/json");
            return request;
        }

        private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        {
            for (var attempt = 0; ; attempt++)
            {
                using (var request = NewRequest(method, path, body))
                using (var response = await Send(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false))
                {
                    var status = (int)response.StatusCode;
                    if ((status == 429 || status == 503) && attempt < options.MaxRetries)
                    {
                        await Task.Delay(Backoff(response, attempt), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    await ThrowIfProblem(response).ConfigureAwait(false);
                    var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    return JsonSerializer.Deserialize<T>(text, HostConnection.JsonOptions)
                           ?? throw new VaeCreativeException($"the host answered {path} with an empty body.");
                }
            }
        }

        private TimeSpan Backoff(HttpResponseMessage response, int attempt)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var exponential = TimeSpan.FromTicks(options.InitialBackoff.Ticks << Math.Min(attempt, 16));
            var wait = retryAfter ?? exponential;
            return wait > options.MaxBackoff ? options.MaxBackoff : wait;
        }

        private async Task<HttpResponseMessage> Send(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
        {
            try
            {
                return await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new VaeCreativeException($"cannot reach the VaeCreative host at {BaseUrl}: {e.Message}", e);
            }
        }

        private static async Task ThrowIfProblem(HttpResponseMessage response)
        {
            if (response.IsSuccessStatusCode) return;
            var status = (int)response.StatusCode;
            var text = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            Problem? problem = null;
            try { problem = JsonSerializer.Deserialize<Problem>(text, HostConnection.JsonOptions); }
            catch (JsonException) { }
            throw new VaeCreativeException(status, problem ?? new Problem
            {
                Status = status,
                Title = response.ReasonPhrase ?? ((HttpStatusCode)status).ToString(),
                Detail = text.Length > 200 ? text.Substring(0, 200) : text,
            });
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (ownsHttp) http.Dispose();
        }
    }
}
