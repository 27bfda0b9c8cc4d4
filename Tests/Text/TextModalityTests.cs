using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Modalities;
using VaeCreative.Core.Models;
using VaeCreative.Core.Serving;
using VaeCreative.Tests.Support;
using VaeCreative.Tests.Text.Training;
using VaeCreative.Text;
using VaeCreative.Text.Generation;
using VaeCreative.Text.Models;
using VaeCreative.Text.Snippets;
using VaeCreative.Text.Tokenization;
using VaeCreative.Text.Training;

namespace VaeCreative.Tests.Text;

public class TextModalityTests
{
    private static readonly Dictionary<string, string> NoProperties = new();
    private readonly TextModality modality = new();

    [Fact]
    public void AddText_registers_the_modality_and_its_model_kind()
    {
        using var services = TinyTextRun.Services();
        var registry = services.GetRequiredService<ModalityRegistry>();
        Assert.Same(registry.Get("text"), registry.ForFile("seeds.TXT"));
        Assert.Contains(SentenceVae.KindName, services.GetRequiredService<ModelKindRegistry>().Names);
        Assert.Contains(SentenceLm.KindName, services.GetRequiredService<ModelKindRegistry>().Names);
        Assert.Equal("text-flavour", registry.Get("text").DefaultModelId);
        var model = services.GetRequiredService<ModelStore>().Get(TinyTextRun.ModelDirectory);
        Assert.IsType<TextGenerator>(registry.Generator(model));
    }

    [Fact]
    public void Train_options_pass_the_recipe_s_setting_names()
    {
        Assert.Equal(["--vocab-size", "--max-tokens", "--word-dropout", "--span-tokens", "--prior-hidden", "--prior-components"], modality.Options.Select(o => o.Name));
        Assert.Equal([TextTrainingRecipe.VocabularySizeSetting, TextTrainingRecipe.MaxTokensSetting, TextTrainingRecipe.WordDropoutSetting, TextTrainingRecipe.SpanTokensSetting, TextTrainingRecipe.PriorHiddenSetting, TextTrainingRecipe.PriorComponentsSetting],
            modality.Options.Select(o => o.Key));
        Assert.All(modality.Options, o => Assert.Equal(ModalityCommands.Train, o.Commands));
        Assert.All(modality.Options, o => Assert.Contains("Default", o.Description));
    }

    [Fact]
    public void A_seed_file_gives_one_seed_per_line_that_is_not_blank()
    {
        using var temp = new TempDir();
        var path = temp.File("seeds.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("A tattered banner.\r\n\r\n   \n  Cafe\u0301 au lait  \nÜber den Wolken\n")]);
        var seeds = modality.ReadSeedFile(path, NoProperties);
        Assert.Equal(["A tattered banner.", "Caf\u00e9 au lait", "Über den Wolken"], seeds.Select(s => s.Text));
        Assert.Equal(["1", "4", "5"], seeds.Select(s => s.Properties["line"]));
        Assert.All(seeds, s => Assert.Equal(MediaTypes.PlainText, s.MediaType));
    }

    [Theory]
    [InlineData(new byte[0], "'seeds.txt' is empty.")]
    [InlineData(new byte[] { 0x20, 0x0A, 0x09, 0x0A }, "'seeds.txt' has no text: every line is blank.")]
    [InlineData(new byte[] { 0x61, 0x0A, 0x62, 0xC3, 0x28 }, "'seeds.txt' is not valid UTF-8: invalid byte 0xC3 at byte offset 3")]
    [InlineData(new byte[] { 0x61, 0x0A, 0x62, 0x00, 0x63 }, "'seeds.txt, line 2' holds a NUL character")]
    public void Bad_seed_files_are_refused_with_a_specific_message(byte[] content, string message)
    {
        using var temp = new TempDir();
        var path = temp.File("seeds.txt");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<TextReadException>(() => modality.ReadSeedFile(path, NoProperties));
        Assert.StartsWith(message, e.Message);
        Assert.False(e.OverLimit);
    }

    [Fact]
    public void Missing_huge_and_option_carrying_seed_files_are_refused()
    {
        using var temp = new TempDir();
        Assert.Contains("does not exist", Assert.Throws<TextReadException>(() => modality.ReadSeedFile(temp.File("none.txt"), NoProperties)).Message);
        var huge = temp.File("huge.txt");
        using (var stream = File.Create(huge)) stream.SetLength(TextModality.MaxSeedFileBytes + 1);
        Assert.True(Assert.Throws<TextReadException>(() => modality.ReadSeedFile(huge, NoProperties)).OverLimit);
        File.WriteAllText(temp.File("ok.txt"), "fine\n");
        Assert.Contains("no reading options", Assert.Throws<TextReadException>(() =>
            modality.ReadSeedFile(temp.File("ok.txt"), new Dictionary<string, string> { ["track"] = "1" })).Message);
    }

    [Fact]
    public void A_replaced_tokenizer_is_caught_when_the_model_is_opened()
    {
        using var temp = new TempDir();
        foreach (var file in Directory.GetFiles(TinyTextRun.ModelDirectory, "*.*").Where(f => Path.GetFileName(f) is "manifest.json" or "model.weights" or TextTokenizer.FileName))
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        using var services = TinyTextRun.Services();
        var store = services.GetRequiredService<ModelStore>();
        Assert.IsType<TextGenerator>(modality.Open(store.Get(temp.Path)));

        var tokenizer = Path.Combine(temp.Path, TextTokenizer.FileName);
        var bytes = File.ReadAllBytes(tokenizer);
        bytes[^1] ^= 1;
        File.WriteAllBytes(tokenizer, bytes);
        Assert.Contains("damaged or replaced", Assert.Throws<ModelLoadException>(() => modality.Open(store.Get(temp.Path))).Message);
        File.Delete(tokenizer);
        Assert.Contains("tokenizer.model is missing", Assert.Throws<ModelLoadException>(() => modality.Open(store.Get(temp.Path))).Message);
    }

    [Fact]
    public void A_manifest_that_points_outside_its_folder_or_disagrees_with_the_model_is_refused()
    {
        using var services = TinyTextRun.Services();
        var model = services.GetRequiredService<ModelStore>().Get(TinyTextRun.ModelDirectory);
        LoadedModel With(Action<System.Text.Json.Nodes.JsonObject> edit)
        {
            var encoding = (System.Text.Json.Nodes.JsonObject)model.Manifest.Encoding.DeepClone();
            edit(encoding);
            return model with { Manifest = model.Manifest with { Encoding = encoding } };
        }
        Assert.Contains("must be a file in the model directory",
            Assert.Throws<ModelLoadException>(() => modality.Open(With(e => e["tokenizer"] = "../tokenizer.model"))).Message);
        Assert.Contains("disagree", Assert.Throws<ModelLoadException>(() => modality.Open(With(e => e["maxTokens"] = 12))).Message);
        Assert.Contains("normalises text as 'NFD'", Assert.Throws<ModelLoadException>(() => modality.Open(With(e => e["normalization"] = "NFD"))).Message);
        Assert.Contains("melody model", Assert.Throws<ModelLoadException>(() => modality.Open(model with { Manifest = model.Manifest with { Modality = "melody" } })).Message);
    }
}
