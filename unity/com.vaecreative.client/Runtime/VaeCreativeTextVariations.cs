// A MonoBehaviour that asks a running VaeCreative host for variations of a line of text (flavour text, item names,
// barks). Part of the Unity package com.vaecreative.client (its README.md says how to set it up).
using System;
using System.Collections.Generic;
using System.Threading;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>Variations of a text snippet from a running VaeCreative host (a text model).</summary>
    public sealed class VaeCreativeTextVariations : MonoBehaviour
    {
        [Tooltip("The line to vary: one snippet, up to a sentence or two.")]
        public string seedText = "A tattered banner flaps over the gate.";

        [Tooltip("Model id from GET /v1/models (a text model).")]
        public string model = "text-fortunes";

        [Range(1, 64)] public int count = 8;
        [Range(0f, 1f)] public float similarity = 0.75f;
        [Range(0f, 2f)] public float temperature = 0.5f;

        [Tooltip("Leave empty to read URL and token from the host's connection file.")]
        public string hostUrl = "";
        public string token = "";

        /// <summary>The latest variations, ready for a UI text or a dialogue line.</summary>
        public IReadOnlyList<string> Variations { get; private set; } = Array.Empty<string>();

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
                var rng = UnityEngine.Random.Range(0, int.MaxValue);
                Variations = await client.VaryTextAsync(model, seedText, count, similarity, temperature, rng, cancel.Token);
                Debug.Log($"VaeCreative: {Variations.Count} variations of \"{seedText}\"");
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
