namespace VaeCreative.Image.Imaging;

/// <summary>What one sheet gave: its whole cells, and how many were kept, empty or duplicates.</summary>
/// <param name="Cells">Whole cells in the sheet.</param>
/// <param name="Kept">Cells added.</param>
/// <param name="Empty">Clear or flat cells left out.</param>
/// <param name="Duplicates">Cells equal to one already kept, left out.</param>
public sealed record SpriteSheetCut(int Cells, int Kept, int Empty, int Duplicates);
