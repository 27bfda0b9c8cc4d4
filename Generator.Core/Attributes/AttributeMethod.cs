namespace VaeCreative.Core.Attributes;

/// <summary>How <see cref="AttributeDirections.Compute"/> derives a vector from the training rows' codes and attribute values.</summary>
public enum AttributeMethod
{
    /// <summary>
    /// Least squares of the code on all attributes at once (standardised), one coefficient vector per attribute: the
    /// change that moves this attribute while the others stay put. The default: attributes that go together in the
    /// data (density and syncopation) come apart.
    /// </summary>
    Regression,

    /// <summary>
    /// MusicVAE's (Roberts et al. 2018, §5.4): the mean code of the rows in the attribute's top quarter minus that of
    /// its bottom quarter. Simple, but carries every attribute correlated with this one.
    /// </summary>
    Quartiles,
}
