using System.Text.Json;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Cli;

/// <summary><c>vaecreative survey</c> end to end, in a child process, with the bundled melody model.</summary>
public class SurveyCommandTests
{
    [Fact]
    public void Survey_counts_files_varied_whole_and_groups_refusals_by_reason()
    {
        using var dir = new TempDir();
        // Three songs of different lengths (one in a subfolder: the survey recurses) …
        File.WriteAllBytes(dir.File("four.mid"), TestSongs.Arrangement(1, 480, bars: 4));
        File.WriteAllBytes(dir.File("eight.mid"), TestSongs.Arrangement(0, 96, bars: 8, seed: 2));
        Directory.CreateDirectory(dir.File("more"));
        File.WriteAllBytes(dir.File(Path.Combine("more", "sixteen.mid")), TestSongs.Arrangement(1, 480, bars: 16, numerator: 3, seed: 3));
        // … a truncated one, one with drums only, one that is not MIDI at all, and a file the melody model does not read.
        var whole = TestSongs.Arrangement(1, 480, bars: 8);
        File.WriteAllBytes(dir.File("truncated.mid"), whole[..(whole.Length / 2)]);
        File.WriteAllBytes(dir.File("drums.mid"), MidiBytes.File(1, 480, MidiBytes.Track(MidiBytes.Notes(9, [(36, 480), (38, 480), (42, 480)]))));
        File.WriteAllText(dir.File("notes.mid"), "these are not notes");
        File.WriteAllText(dir.File("readme.txt"), "ignored");

        var result = Support.Cli.Run("survey", "--data", dir.Path, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("files").GetInt32());
        Assert.Equal(3, root.GetProperty("varied").GetInt32());
        Assert.Equal(3, root.GetProperty("refused").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        var reasons = root.GetProperty("reasons").EnumerateArray()
            .ToDictionary(r => r.GetProperty("reason").GetString()!, r => (Files: r.GetProperty("files").GetInt32(), Example: r.GetProperty("example").GetString()));
        Assert.Equal((1, "truncated.mid"), reasons["MidiReadException: Damaged"]);
        Assert.Equal((1, "drums.mid"), reasons["MidiReadException: NoMelody"]);
        Assert.Equal((1, "notes.mid"), reasons["MidiReadException: NotMidi"]);
        Assert.Equal(3, reasons.Count);
        // 2-bar windows: 4 bars are 2 rows, 8 bars 4, 16 bars of 3/4 8.
        Assert.Equal(14, root.GetProperty("rows").GetInt32());
        Assert.Equal(Path.Combine("more", "sixteen.mid"), root.GetProperty("largest").GetProperty("file").GetString());
        Assert.Equal(8, root.GetProperty("largest").GetProperty("rows").GetInt32());
        Assert.True(root.GetProperty("seconds").GetProperty("max").GetDouble() > 0);
    }

    [Fact]
    public void Survey_prints_a_summary_line_and_the_reasons()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("song.mid"), TestSongs.Arrangement(1, 480, bars: 4));
        File.WriteAllText(dir.File("bad.mid"), "not midi");

        var result = Support.Cli.Run("survey", "--data", dir.Path);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("2 files: 1 varied whole, 1 refused", result.Stdout);
        Assert.Contains("MidiReadException: NotMidi", result.Stdout);
        Assert.Contains("bad.mid", result.Stdout);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_an_error()
    {
        using var dir = new TempDir();
        var missing = Support.Cli.Run("survey", "--data", dir.File("nowhere"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such folder", missing.Stderr);

        File.WriteAllText(dir.File("readme.txt"), "no MIDI here");
        var empty = Support.Cli.Run("survey", "--data", dir.Path);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("no files in", empty.Stderr);
    }
}
