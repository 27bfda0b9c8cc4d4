#nullable enable
using System.Collections.Generic;

namespace VaeCreative.Client.Contracts
{
    /// <summary>
    /// Body of <c>POST /v1/jobs</c>: train a new model from a folder of files on the host's machine (kind <c>train</c>),
    /// or vary every file of a folder into another (kind <c>augment</c>: data augmentation, as <c>vary --seed FOLDER</c>).
    /// </summary>
    public sealed class JobRequest
    {
        /// <summary>
        /// Training data (or, for augment, the seed folder) on the host's machine, an absolute path: a folder (MIDI files
        /// for melody; text or fortune files for text) or, for text, one file. Inside the host's input folders when it has
        /// some (<see cref="FoldersInfo.Inputs"/>); never a folder a running augment job writes into (409).
        /// </summary>
        public string? Data { get; set; }

        /// <summary>Id of the model to create (letters, digits, '-', '_', '.'); it appears in /v1/models when done.</summary>
        public string? ModelId { get; set; }

        /// <summary>Modality. Default melody.</summary>
        public string Modality { get; set; } = "melody";

        /// <summary>Optimiser steps. Absent: the modality's default (1000); range 1–1,000,000.</summary>
        public long? Steps { get; set; }

        /// <summary>Examples per step. Absent: the modality's default (64); range 1–4096.</summary>
        public int? Batch { get; set; }

        /// <summary>Random seed. Default 0.</summary>
        public long Rng { get; set; }

        /// <summary>
        /// Model size preset: default (the bundled model's shape), small (fast, for trials) or one of the modality's
        /// own (text: lm, the language-model baseline). Default "default".
        /// </summary>
        public string Size { get; set; } = "default";

        /// <summary>
        /// The modality's own training settings by key, as its <c>train</c> options take them (image: <c>tile</c>,
        /// <c>imageSize</c>, <c>likelihood</c>, <c>flip</c>; text: <c>vocabularySize</c>, <c>maxTokens</c>, <c>wordDropout</c>).
        /// Absent: none. An unknown key or a value out of range is a 400 naming it.
        /// </summary>
        public Dictionary<string, string>? Settings { get; set; }

        /// <summary>train (default): train a new model from <see cref="Data"/>; augment: vary every file under <see cref="Data"/> into <see cref="Out"/> with <see cref="Model"/>.</summary>
        public string Kind { get; set; } = JobKinds.Train;

        /// <summary>
        /// augment: the folder on the host's machine that receives the variations, mirroring <see cref="Data"/>'s tree
        /// (new, empty, or the folder of an earlier augment with the same settings, which resumes). Nothing is overwritten.
        /// It must resolve (symbolic links included) below the host's outputs folder (<see cref="FoldersInfo.Outputs"/>)
        /// and outside <see cref="Data"/>; a relative path is taken under the outputs folder.
        /// </summary>
        public string? Out { get; set; }

        /// <summary>augment: the model to vary with (an id from /v1/models). Absent: the default model of <see cref="Modality"/>.</summary>
        public string? Model { get; set; }

        /// <summary>augment: variations per seed (default 8; at most the host's limit per request).</summary>
        public int? Count { get; set; }

        /// <summary>augment: 1 keeps the seed's latent code, 0 ignores it (default 0.75).</summary>
        public double? Similarity { get; set; }

        /// <summary>augment: decoding temperature (default: the modality's).</summary>
        public double? Temperature { get; set; }
    }
}
