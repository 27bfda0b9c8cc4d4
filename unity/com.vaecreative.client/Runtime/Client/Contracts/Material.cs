#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>
    /// Seed material or a generated output, for any modality: a media type with either base64 <see cref="Data"/>
    /// (a MIDI file, an image) or <see cref="Text"/>, plus <see cref="Properties"/> (outputs: what the modality reports,
    /// e.g. a melody's <c>notes</c> and <c>bars</c>, a snippet's <c>tokens</c>; seeds: reading hints such as a MIDI
    /// <c>track</c>). <see cref="Midi"/> is the older way to send MIDI and is still accepted; the host fills only
    /// <see cref="Data"/>.
    /// </summary>
    public sealed class Material
    {
        /// <summary>The media type: <c>audio/midi</c>, <c>text/plain</c>, … (for data: default the model's own format).</summary>
        public string? MediaType { get; set; }

        /// <summary>Binary material, base64-encoded.</summary>
        public string? Data { get; set; }

        /// <summary>Text material.</summary>
        public string? Text { get; set; }

        /// <summary>
        /// A standard MIDI file, base64-encoded: the older name of <see cref="Data"/> with <c>mediaType: audio/midi</c>, still
        /// accepted in seeds (with <see cref="Data"/> too only when both are the same). Outputs leave it empty.
        /// </summary>
        public string? Midi { get; set; }

        /// <summary>Properties of an output, or reading hints for a seed (values are strings).</summary>
        public System.Collections.Generic.Dictionary<string, string>? Properties { get; set; }

        /// <summary>
        /// Outputs only, when the request asked for <c>preview</c>: the output in other forms (melodies: a WAV rendering
        /// and a piano-roll PNG over the seed), each with its media type and base64 data.
        /// </summary>
        public System.Collections.Generic.List<Material>? Previews { get; set; }

        /// <summary>Material from the bytes of a MIDI file.</summary>
        public static Material FromMidi(byte[] midiFile) => new Material { MediaType = "audio/midi", Data = System.Convert.ToBase64String(midiFile) };

        /// <summary>Text material.</summary>
        public static Material FromText(string text) => new Material { MediaType = "text/plain", Text = text };

        /// <summary>
        /// An image (PNG, JPEG, BMP, GIF or WebP bytes; the type is told from the bytes). <paramref name="keepPalette"/>:
        /// true sets <c>palette=seed</c> (outputs keep the seed's colours), false <c>palette=off</c>, null leaves the host's
        /// default (<c>auto</c>: the seed's colours when it has at most 64).
        /// </summary>
        public static Material FromImage(byte[] image, bool? keepPalette = null) => new Material
        {
            MediaType = ImageMediaType(image),
            Data = System.Convert.ToBase64String(image),
            Properties = keepPalette is bool keep ? new System.Collections.Generic.Dictionary<string, string> { ["palette"] = keep ? "seed" : "off" } : null,
        };

        /// <summary>The media type of image bytes from their signature (PNG when unknown: the host then says what is wrong).</summary>
        private static string ImageMediaType(byte[] image)
        {
            if (image == null) throw new System.ArgumentNullException(nameof(image));
            if (image.Length >= 3 && image[0] == 0xFF && image[1] == 0xD8 && image[2] == 0xFF) return "image/jpeg";
            if (image.Length >= 2 && image[0] == (byte)'B' && image[1] == (byte)'M') return "image/bmp";
            if (image.Length >= 4 && image[0] == (byte)'G' && image[1] == (byte)'I' && image[2] == (byte)'F') return "image/gif";
            if (image.Length >= 12 && image[0] == (byte)'R' && image[1] == (byte)'I' && image[8] == (byte)'W' && image[9] == (byte)'E') return "image/webp";
            return "image/png";
        }

        /// <summary>Binary material of <paramref name="mediaType"/>.</summary>
        public static Material FromBytes(string mediaType, byte[] data) => new Material { MediaType = mediaType, Data = System.Convert.ToBase64String(data) };

        /// <summary>The MIDI file's bytes; throws when this material holds no MIDI.</summary>
        public byte[] MidiBytes() =>
            System.Convert.FromBase64String(Midi ?? (MediaType == "audio/midi" ? Data : null) ?? throw new System.InvalidOperationException("this material holds no MIDI."));

        /// <summary>The bytes of binary material; throws when it holds text.</summary>
        public byte[] Bytes() =>
            System.Convert.FromBase64String(Data ?? Midi ?? throw new System.InvalidOperationException("this material holds text, not bytes."));

        /// <summary>A property of an output, or null.</summary>
        public string? Property(string name) => Properties != null && Properties.TryGetValue(name, out var value) ? value : null;
    }
}
