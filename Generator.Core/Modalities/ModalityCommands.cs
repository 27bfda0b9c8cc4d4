namespace VaeCreative.Core.Modalities;

/// <summary>Commands a <see cref="ModalityOption"/> belongs to.</summary>
[Flags]
public enum ModalityCommands
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary><c>vary</c>.</summary>
    Vary = 1,
    /// <summary><c>interpolate</c>.</summary>
    Interpolate = 2,
    /// <summary><c>sample</c>.</summary>
    Sample = 4,
    /// <summary><c>train</c>.</summary>
    Train = 8,
}
