using System.Globalization;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Studio;

/// <summary>The studio's "Augment a folder" panel in a real (headless) browser: an augment job on the host, followed to its end.</summary>
public class StudioAugmentTests(StudioSession session) : IClassFixture<StudioSession>
{
    private StudioPage Page() => new(session.Driver ?? throw new InvalidOperationException(SystemChromium.Missing));

    /// <summary>A seed folder of three Nottingham tunes and a damaged MIDI file, in the host's folder.</summary>
    private string Seeds(string name)
    {
        var seeds = Path.Combine(session.Host.Folder, name);
        Directory.CreateDirectory(seeds);
        foreach (var tune in Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order(StringComparer.Ordinal).Take(3))
            File.Copy(tune, Path.Combine(seeds, Path.GetFileName(tune)));
        File.WriteAllBytes(Path.Combine(seeds, "damaged.mid"), "MThd this is not a MIDI file"u8.ToArray());
        return seeds;
    }

    private static void Fill(StudioPage page, string id, string text)
    {
        page.Id(id).Clear();
        page.Id(id).SendKeys(text);
    }

    /// <summary>Clicks Start and waits for a job other than <paramref name="previous"/> to finish; returns its status line.</summary>
    private static string StartAndFinish(StudioPage page, string? previous)
    {
        page.Id("augment").Click();
        page.Until(_ => page.Id("error").Displayed ||
                        (page.Id("augment-status").Text is var status && (previous is null || status != previous) &&
                         (status.Contains("succeeded", StringComparison.Ordinal) || status.Contains("failed", StringComparison.Ordinal))),
            "the augment job did not finish");
        Assert.False(page.Id("error").Displayed, page.Id("error").Text);
        var text = page.Id("augment-status").Text;
        Assert.Contains("succeeded", text);
        return text;
    }

    [BrowserFact]
    public void Augmenting_a_folder_shows_progress_the_outputs_the_skipped_file_and_resumes_as_already_done()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        Assert.Contains("melody-2bar", page.Id("augment-model").Text);
        var seeds = Seeds("studio-augment-seeds");
        // A relative output folder: the host takes it under its outputs folder, which the panel names.
        var output = Path.Combine(session.Host.OutputsFolder, "studio-augmented");
        Assert.Contains($"Outputs go below {session.Host.OutputsFolder} ", page.Id("augment-folders").Text);
        Fill(page, "augment-data", seeds);
        Fill(page, "augment-out", "studio-augmented");
        Fill(page, "augment-count", "2");

        var first = StartAndFinish(page, previous: null);
        Assert.Contains("file 4 of 4", first); // three tunes and the damaged file
        Assert.Contains("6 outputs written", first);
        Assert.Equal("4", page.Id("augment-progress").GetAttribute("value"));
        Assert.Equal("4", page.Id("augment-progress").GetAttribute("max"));
        Assert.Equal(output, page.Id("augment-where").Text);
        Assert.Contains("6 variations written", page.Id("augment-result").Text);
        var skipped = page.Driver.FindElements(By.CssSelector("#augment-skipped li"));
        Assert.Single(skipped);
        Assert.StartsWith("damaged.mid: ", skipped[0].Text);
        Assert.True(skipped[0].Text.Length > "damaged.mid: ".Length, "the skipped file carries no reason");
        Assert.Equal(6, Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Length);
        Assert.False(page.Id("augment-cancel").Enabled);
        // For a look at the panel: the test output folder's studio-augment.png.
        page.Run("document.getElementById('augment-panel').scrollIntoView()");
        page.Driver.GetScreenshot().SaveAsFile(Path.Combine(AppContext.BaseDirectory, "studio-augment.png"));

        // The same folders and settings again: the tunes are already done, nothing new is written.
        var second = StartAndFinish(page, previous: first);
        Assert.Contains("3 already done", second);
        Assert.Contains("0 outputs written", second);
        Assert.Contains("varied before", page.Id("augment-result").Text);
        Assert.Equal(6, Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Length);
    }

    [BrowserFact]
    public void Cancelling_keeps_the_outputs_and_starting_again_resumes_after_them()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        // The whole data set at 16 variations a tune: minutes of work on this machine, so the job is surely still
        // running when Cancel is clicked a moment after its first outputs are written. The seed folder is only read.
        var output = Path.Combine(session.Host.OutputsFolder, "studio-cancelled");
        Fill(page, "augment-data", RepoPaths.RequireNottingham());
        Fill(page, "augment-out", output);
        Fill(page, "augment-count", "16");

        page.Id("augment").Click();
        page.Until(_ => page.Id("error").Displayed || Regex.IsMatch(page.Id("augment-status").Text, @"running · .* · [1-9]\d* outputs written"), "the job wrote nothing");
        Assert.False(page.Id("error").Displayed, page.Id("error").Text);
        page.Id("augment-cancel").Click();
        page.Until(_ => page.Id("augment-status").Text.Contains("cancelled", StringComparison.Ordinal), "the job was not cancelled");
        page.Until(_ => !page.Id("augment-cancel").Enabled);
        Assert.Contains("they stay", page.Id("augment-result").Text);
        var written = int.Parse(Regex.Match(page.Id("augment-status").Text, @"(\d+) outputs? written").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(written >= 16, page.Id("augment-status").Text);
        Assert.Equal(written, Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Length);

        // Again with the same settings: the tunes done before count as already done; cancelled again, the host rests.
        page.Id("augment").Click();
        page.Until(_ => page.Id("error").Displayed || page.Id("augment-status").Text.Contains($"{written / 16} already done", StringComparison.Ordinal),
            "the second job did not resume after the first");
        Assert.False(page.Id("error").Displayed, page.Id("error").Text);
        page.Until(_ => page.Id("augment-cancel").Enabled);
        page.Id("augment-cancel").Click();
        page.Until(_ => page.Id("augment-status").Text.Contains("cancelled", StringComparison.Ordinal), "the second job was not cancelled");
    }

    [BrowserFact]
    public void An_output_folder_holding_a_foreign_file_is_refused_with_the_hosts_problem()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        var foreign = Path.Combine(session.Host.OutputsFolder, "studio-foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "mine");
        Fill(page, "augment-data", Seeds("studio-foreign-seeds"));
        Fill(page, "augment-out", foreign);
        page.Id("augment").Click();
        Assert.Equal("Bad request", page.ErrorTitle());
        Assert.Contains("did not write", page.Id("error-detail").Text);
        Assert.Equal("", page.Id("augment-status").Text); // no job started
        Assert.Equal("mine", File.ReadAllText(Path.Combine(foreign, "keep.txt")));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(foreign).Select(Path.GetFileName));
    }
}
