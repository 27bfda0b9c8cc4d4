// A MonoBehaviour that asks a running VaeCreative host for variants of a sprite and turns the PNGs it gets back into
// Texture2Ds (point-filtered, as pixel art wants). Part of the Unity package com.vaecreative.client (its README.md
// says how to set it up).
using System;
using System.Collections.Generic;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>Variants of a sprite from a running VaeCreative host (an image model), as point-filtered textures.</summary>
    public sealed class VaeCreativeSpriteVariations : VaeCreativeHostComponent
    {
        [Tooltip("The sprite to vary (Read/Write enabled in its import settings).")]
        public Texture2D seedTexture;

        [Tooltip("Model id from GET /v1/models (an image model).")]
        public string model = "sprites";

        [Tooltip("0 decodes each pixel to the model's most likely value; higher adds pixel noise.")]
        [Range(0f, 2f)] public float temperature = 0f;
        [Tooltip("Snap the variants to the seed's colours.")]
        public bool keepPalette = true;

        /// <summary>The latest variants, ready for a SpriteRenderer (Sprite.Create) or a RawImage.</summary>
        public IReadOnlyList<Texture2D> Variants { get; private set; } = Array.Empty<Texture2D>();

        /// <summary>Call from a button or a game event; <see cref="Variants"/> holds the result when it arrives.</summary>
        public void RequestVariants() => Run(async (rng, ct) =>
        {
            // EncodeToPNG keeps alpha; the host answers PNGs at the seed's size and mode (a sprite with alpha stays one).
            var pngs = await Client.VaryImageAsync(model, seedTexture.EncodeToPNG(), count, similarity, temperature, rng, keepPalette, ct);
            foreach (var old in Variants) Destroy(old);
            var textures = new List<Texture2D>(pngs.Count);
            foreach (var png in pngs) textures.Add(ToTexture(png));
            Variants = textures;
            Debug.Log($"VaeCreative: {Variants.Count} variants of {seedTexture.name}");
        });

        /// <summary>A texture from PNG bytes: LoadImage sets the size and format from the file; point filtering keeps pixels hard.</summary>
        public static Texture2D ToTexture(byte[] png)
        {
            var texture = new Texture2D(2, 2, TextureFormat.RGBA32, false);
            if (!texture.LoadImage(png)) throw new ArgumentException("the host sent bytes that are not a PNG.");
            texture.filterMode = FilterMode.Point;
            texture.wrapMode = TextureWrapMode.Clamp;
            return texture;
        }

        /// <inheritdoc />
        protected override void OnDestroy()
        {
            base.OnDestroy();
            foreach (var texture in Variants) Destroy(texture);
        }
    }
}
