// A MonoBehaviour that asks a running VaeCreative host for variations of a MIDI clip. Part of the Unity package
// com.vaecreative.client (its README.md says how to set it up); the game holds only the client, the model and
// libtorch stay in the host process.
using System;
using System.Collections.Generic;
using System.IO;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>Variations of a MIDI clip from a running VaeCreative host (a melody or drums model).</summary>
    public sealed class VaeCreativeVariations : VaeCreativeHostComponent
    {
        [Tooltip("A .mid file under StreamingAssets (e.g. seed-melody.mid).")]
        public string seedFile = "seed-melody.mid";

        [Tooltip("Model id from GET /v1/models.")]
        public string model = "melody-2bar";

        [Range(0f, 2f)] public float temperature = 0.5f;

        /// <summary>The latest variations as MIDI files (bytes); hand them to your MIDI player.</summary>
        public IReadOnlyList<byte[]> Variations { get; private set; } = Array.Empty<byte[]>();

        /// <summary>Call from a button or a game event; <see cref="Variations"/> holds the result when it arrives.</summary>
        public void RequestVariations() => Run(async (rng, ct) =>
        {
            var seed = File.ReadAllBytes(Path.Combine(Application.streamingAssetsPath, seedFile));
            Variations = await Client.VaryMidiAsync(model, seed, count, similarity, temperature, rng, ct);
            Debug.Log($"VaeCreative: {Variations.Count} variations of {seedFile}");
        });
    }
}
