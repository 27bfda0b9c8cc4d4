namespace VaeCreative.Image.Imaging;

/// <summary>
/// Where a seed of <see cref="SourceWidth"/> × <see cref="SourceHeight"/> pixels sits inside the model's square of
/// <see cref="Size"/> pixels after <see cref="ImageFit.ToSquare"/>: the rectangle it was scaled into (aspect ratio kept,
/// centred) and how it was scaled, so that <see cref="ImageFit.Back"/> can return outputs at the seed's own size.
/// </summary>
/// <param name="SourceWidth">The seed's width.</param>
/// <param name="SourceHeight">The seed's height.</param>
/// <param name="Size">The model's side.</param>
/// <param name="X">Left of the scaled seed in the square.</param>
/// <param name="Y">Top of the scaled seed in the square.</param>
/// <param name="Width">Width of the scaled seed.</param>
/// <param name="Height">Height of the scaled seed.</param>
/// <param name="PixelArt">True when the seed fitted in the square unscaled or enlarged (nearest neighbour both ways); false when it was reduced (area filtering).</param>
public sealed record ImagePlacement(int SourceWidth, int SourceHeight, int Size, int X, int Y, int Width, int Height, bool PixelArt);
