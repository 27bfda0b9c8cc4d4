using System.Buffers.Binary;
using System.Text;
using TorchSharp;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Tests.Support;
using static TorchSharp.torch;

namespace VaeCreative.Tests.Core.Checkpoints;

public class SafeTensorsTests
{
    [Fact]
    public void Tensors_of_every_dtype_and_the_metadata_come_back_as_written()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "t.safetensors");
        var written = new Dictionary<string, Tensor>
        {
            ["b.f32"] = randn(2, 3, generator: new Generator(1)),
            ["a.f16"] = randn(5, generator: new Generator(2)).to(ScalarType.Float16),
            ["c.bf16"] = randn(1, 1, 4, generator: new Generator(3)).to(ScalarType.BFloat16),
            ["d.i64"] = arange(7L),
            ["e.u8"] = tensor(new byte[] { 0, 7, 255 }),
            ["f.scalar"] = tensor(2.5),
            ["g.empty"] = zeros(0, 3),
        };
        SafeTensors.Write(path, written, new Dictionary<string, string> { ["format"] = "pt" });
        var (read, metadata) = SafeTensors.Read(path);
        Assert.Equal(written.Keys.Order(), read.Keys.Order());
        foreach (var (name, t) in written)
        {
            Assert.Equal(t.dtype, read[name].dtype);
            Assert.True(t.SameAs(read[name]), name);
        }
        Assert.Equal("pt", metadata["format"]);
    }

    [Fact]
    public void A_selection_reads_only_the_tensors_it_takes_and_shapes_need_only_the_header()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "t.safetensors");
        var vae = randn(3, 2, generator: new Generator(5));
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["vae.w"] = vae, ["unet.w"] = zeros(4, 5, 6), ["vae.b"] = arange(4L) },
            new Dictionary<string, string> { ["format"] = "pt" });
        var (read, metadata) = SafeTensors.Read(path, name => name.StartsWith("vae.", StringComparison.Ordinal));
        Assert.Equal(["vae.b", "vae.w"], read.Keys.Order());
        Assert.True(vae.SameAs(read["vae.w"]));
        Assert.True(arange(4L).SameAs(read["vae.b"]));
        Assert.Equal("pt", metadata["format"]);

        // Shapes come from the header, which is still checked against the file: one cut short is refused as damaged.
        var bytes = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var cut = Path.Combine(temp.Path, "cut.safetensors");
        File.WriteAllBytes(cut, bytes[..(8 + length + 24)]);
        Assert.Throws<ModelLoadException>(() => SafeTensors.ReadShapes(cut));
        var (shapes, _) = SafeTensors.ReadShapes(path);
        Assert.Equal([4L, 5, 6], shapes["unet.w"]);
        Assert.Equal([3L, 2], shapes["vae.w"]);
    }

    [Fact]
    public void The_data_starts_eight_byte_aligned_after_a_json_header_in_name_order()
    {
        using var scope = NewDisposeScope();
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "t.safetensors");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["z"] = ones(1), ["a"] = zeros(3) });
        var bytes = File.ReadAllBytes(path);
        var length = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, length % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)length);
        Assert.StartsWith("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}", header);
        Assert.Equal(8 + length + 16, bytes.Length);
    }

    [Theory]
    [InlineData("short", "shorter than its 8-byte header length")]
    [InlineData("long header", "runs past the file")]
    [InlineData("not json", "header is not JSON")]
    [InlineData("outside", "outside the")]
    [InlineData("wrong size", "needs 16 bytes")]
    [InlineData("overlap", "overlap")]
    [InlineData("dtype", "supported: F64")]
    public void A_damaged_file_is_refused_saying_what_is_wrong(string damage, string message)
    {
        var data = new byte[16];
        byte[] File(string header, int dataBytes = 16)
        {
            var text = Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + text.Length + dataBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
            text.CopyTo(bytes, 8);
            return bytes;
        }
        var bytes = damage switch
        {
            "short" => new byte[5],
            "long header" => File("{}").Select((b, i) => i == 0 ? (byte)200 : b).ToArray(),
            "not json" => File("{nope"),
            "outside" => File("{\"x\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}"),
            "wrong size" => File("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}"),
            "overlap" => File("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"),
            _ => File("{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}"),
        };
        var e = Assert.Throws<ModelLoadException>(() => SafeTensors.Parse(bytes, "weights.safetensors"));
        Assert.Contains("weights.safetensors", e.Message);
        Assert.Contains(message, e.Message);
    }
}
