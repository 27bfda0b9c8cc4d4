namespace VaeCreative.Core.Modalities;

/// <summary>
/// A modality whose outputs can be heard or seen in another form beside the output itself: a melody rendered to a
/// WAV by a synthesiser and drawn as a piano roll with its seed. The CLI's <c>--preview</c> writes them beside each
/// output file; the host returns them under each output's <c>previews</c> when a request asks.
/// </summary>
public interface IOutputPreview
{
    /// <summary>What <see cref="Preview"/> makes, in order: one material of each format per output.</summary>
    IReadOnlyList<MaterialFormat> PreviewFormats { get; }

    /// <summary>Throws a <see cref="MaterialException"/> saying what to install when previews cannot be made here (checked before any generation).</summary>
    void CheckAvailable();

    /// <summary>
    /// The previews of <paramref name="output"/>, drawn against <paramref name="seed"/> when there is one (variations);
    /// a <see cref="MaterialException"/> when one cannot be made (a synthesiser missing: the message says what to install).
    /// </summary>
    IReadOnlyList<Material> Preview(Material? seed, Material output);
}
