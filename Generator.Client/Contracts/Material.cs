namespace VaeCreative.Client.Contracts
{
    /// <summary>
    /// Seed material or a generated output. Melody models carry a MIDI file (base64); the same shape will carry
    /// text and images for other modalities.
    /// </summary>
    public sealed class Material
    {
        /// <summary>A standard MIDI file, base64-encoded (melody models).</summary>
        public string? Midi { get; set; }

        /// <summary>Notes in the material (outputs only).</summary>
        public int? Notes { get; set; }

        /// <summary>Length in 16-step (4/4) bars (outputs only).</summary>
        public double? Bars { get; set; }

        /// <summary>Material from the bytes of a MIDI file.</summary>
        public static Material FromMidi(byte[] midiFile) => new Material { Midi = System.Convert.ToBase64String(midiFile) };

        /// <summary>The MIDI file's bytes; throws when this material holds no MIDI.</summary>
        public byte[] MidiBytes() =>
            System.Convert.FromBase64String(Midi ?? throw new System.InvalidOperationException("this material holds no MIDI."));
    }
}
