// A MonoBehaviour that asks a running VaeCreative host for variations of a MIDI clip. Part of the Unity package
// com.vaecreative.client (its README.md says how to set it up); the game holds only the client, the model and
// libtorch stay in the host process.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>Variations of a MIDI clip from a running VaeCreative host (a melody or drums model).</summary>
    public sealed class VaeCreativeVariations : MonoBehaviour
    {
        [Tooltip("A .mid file under StreamingAssets (e.g. seed-melody.mid).")]
        public string seedFile = "seed-melody.mid";

        [Tooltip("Model id from GET /v1/models.")]
        public string model = "melody-2bar";

        [Range(1, 64)] public int count = 8;
        [Range(0f, 1f)] public float similarity = 0.75f;
        [Range(0f, 2f)] public float temperature = 0.5f;

        [Tooltip("Leave empty to read URL and token from the host's connection file.")]
        public string hostUrl = "";
        public string token = "";

        /// <summary>The latest variations as MIDI files (bytes); hand them to your MIDI player.</summary>
        public IReadOnlyList<byte[]> Variations { get; private set; } = Array.Empty<byte[]>();

        private VaeCreativeClient client;
        private CancellationTokenSource cancel;

        private void Awake()
        {
            client = string.IsNullOrEmpty(hostUrl)
                ? VaeCreativeClient.FromConnectionFile()
                : new VaeCreativeClient(new Uri(hostUrl), token);
            cancel = new CancellationTokenSource();
        }

        /// <summary>Call from a button or a game event; Unity's synchronization context resumes on the main thread.</summary>
        public async void RequestVariations()
        {
            try
            {
                var seed = File.ReadAllBytes(Path.Combine(Application.streamingAssetsPath, seedFile));
                var rng = UnityEngine.Random.Range(0, int.MaxValue);
                Variations = await client.VaryMidiAsync(model, seed, count, similarity, temperature, rng, cancel.Token);
                Debug.Log($"VaeCreative: {Variations.Count} variations of {seedFile}");
            }
            catch (OperationCanceledException) { }
            catch (VaeCreativeException e)
            {
                Debug.LogError($"VaeCreative: {e.Message}");
            }
        }

        private void OnDestroy()
        {
            cancel?.Cancel(); // leaving the scene drops the request; the host never runs it if it was still queued
            client?.Dispose();
        }
    }
}
