using VaeCreative.Core.Models;

namespace VaeCreative.Text.Models;

/// <summary>
/// A text model over rows of token ids (<see cref="SentenceVae"/>, or its language-model baseline
/// <see cref="SentenceLm"/>): what the text modality needs beyond <see cref="IVaeModel"/>.
/// </summary>
public interface ISentenceModel : IVaeModel
{
    /// <summary>The model's sizes and token ids (its manifest settings).</summary>
    SentenceVaeOptions Settings { get; }

    /// <summary>
    /// The words decoding may spell (<see cref="Spelling.SpellingConstraint"/>), set when the model is opened for
    /// generation with its lexicon; null decodes every piece freely (training, the bench's twin comparison, models
    /// without a lexicon).
    /// </summary>
    Spelling.SpellingConstraint? Spelling { get; set; }

    /// <summary>
    /// Whether generation steps through fp16 copies of the decoder's weights packed for FBGEMM
    /// (<see cref="PackedDecoderStep"/>, where it can be made), or through the fp32 modules. Default true: about three
    /// times faster, with logits about 10⁻³ off. False gives PyTorch's own results to float rounding (the bench's
    /// token-for-token comparison with its twin).
    /// </summary>
    bool PackedGeneration { get; set; }
}
