// A MonoBehaviour that asks a running VaeCreative host for variations of a line of text (flavour text, item names,
// barks). Part of the Unity package com.vaecreative.client (its README.md says how to set it up).
using System;
using System.Collections.Generic;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>Variations of a text snippet from a running VaeCreative host (a text model).</summary>
    public sealed class VaeCreativeTextVariations : VaeCreativeHostComponent
    {
        [Tooltip("The line to vary: one snippet, up to a sentence or two.")]
        public string seedText = "A tattered banner flaps over the gate.";

        [Tooltip("Model id from GET /v1/models (a text model).")]
        public string model = "text-flavour";

        [Range(0f, 2f)] public float temperature = 0.5f;

        /// <summary>The latest variations, ready for a UI text or a dialogue line.</summary>
        public IReadOnlyList<string> Variations { get; private set; } = Array.Empty<string>();

        /// <summary>Call from a button or a game event; <see cref="Variations"/> holds the result when it arrives.</summary>
        public void RequestVariations() => Run(async (rng, ct) =>
        {
            Variations = await Client.VaryTextAsync(model, seedText, count, similarity, temperature, rng, ct);
            Debug.Log($"VaeCreative: {Variations.Count} variations of \"{seedText}\"");
        });
    }
}
