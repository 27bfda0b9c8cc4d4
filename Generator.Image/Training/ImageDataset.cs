using VaeCreative.Core.Training;
using VaeCreative.Image.Imaging;
using static TorchSharp.torch;

namespace VaeCreative.Image.Training;

/// <summary>
/// Images as a model's training input: each fitted to the model's square (<see cref="ImageFit.ToSquare"/>) and held as
/// bytes in the model's channel layout (<see cref="ImageEncoding"/>); a batch is a float tensor [batch, channels,
/// size, size] of values in [0, 1] (binarised for Bernoulli models). With <see cref="Flip"/> set, each training image
/// is mirrored left to right with probability ½ (drawn from the batch's augmentation generator, so runs repeat).
/// </summary>
public sealed class ImageDataset : ITrainingData
{
    private readonly byte[] bytes;

    private ImageDataset(ImageEncoding encoding, byte[] bytes, int count, bool flip)
    {
        Encoding = encoding;
        this.bytes = bytes;
        Count = count;
        Flip = flip;
    }

    /// <summary>How the images are laid out.</summary>
    public ImageEncoding Encoding { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <summary>Whether training batches are mirrored at random.</summary>
    public bool Flip { get; }

    /// <summary>The images as <paramref name="encoding"/> sees them.</summary>
    public static ImageDataset Encode(IReadOnlyList<RgbaImage> images, ImageEncoding encoding, bool flip = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(encoding);
        var size = encoding.Dimensions;
        var bytes = new byte[(long)images.Count * size];
        Parallel.For(0, images.Count, i =>
        {
            var image = images[i];
            var fitted = image.Width == encoding.Size && image.Height == encoding.Size ? image : ImageFit.ToSquare(image, encoding.Size).Fitted;
            encoding.Write(fitted, bytes, i * size);
        });
        return new ImageDataset(encoding, bytes, images.Count, flip);
    }

    /// <inheritdoc />
    public Tensor Batch(IReadOnlyList<int> indices, Random? augmentation)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var size = Encoding.Dimensions;
        var side = Encoding.Size;
        var values = new float[indices.Count * size];
        for (var k = 0; k < indices.Count; k++)
        {
            var index = indices[k];
            if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(indices), index, $"image index out of range (0–{Count - 1}).");
            var mirror = Flip && augmentation is not null && augmentation.Next(2) == 1;
            var source = index * size;
            var target = k * size;
            for (var row = 0; row < size / side; row++)
                for (var x = 0; x < side; x++)
                    values[target + row * side + x] = Encoding.Value(bytes[source + row * side + (mirror ? side - 1 - x : x)]);
        }
        return tensor(values, [indices.Count, Encoding.Channels, side, side]);
    }
}
