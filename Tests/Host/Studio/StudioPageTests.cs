using System.Globalization;
using OpenQA.Selenium;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Studio;

/// <summary>The studio page in a real (headless) browser against a real host with the bundled models.</summary>
public class StudioPageTests(StudioSession session) : IClassFixture<StudioSession>
{
    private StudioPage Page() => new(session.Driver ?? throw new InvalidOperationException(SystemChromium.Missing));

    /// <summary>Fills the training form (a small melody model on tiny data in the host's folder) and starts the job.</summary>
    private void StartTraining(StudioPage page, string folder, string modelId, long steps)
    {
        page.Id("train-data").SendKeys(TrainingJobTests.MakeData(Path.Combine(session.Host.Folder, folder)));
        page.Id("train-id").Clear();
        page.Id("train-id").SendKeys(modelId);
        page.Run("document.getElementById('train-size').value = 'small'; document.getElementById('train-modality').value = 'melody';");
        page.Id("train-steps").Clear();
        page.Id("train-steps").SendKeys(steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Id("train").Click();
    }

    [BrowserFact]
    public void Varying_the_demo_melody_shows_piano_rolls_that_play_and_writes_the_screenshot()
    {
        var page = Page();
        page.Open(session.PageUrl());
        Assert.DoesNotContain("token=", page.Driver.Url); // the token leaves the address bar
        page.PickModel("melody-2bar");
        page.DemoSeed();
        page.SetRange("count", 4);
        page.SetRange("attr-density", 1); // the model's attribute sliders steer the request (an unknown name would be a 400)
        var cards = page.Generate("vary", 4);

        // Piano rolls: decoded PNGs.
        page.Until(_ => page.Script<bool>("return [...document.querySelectorAll('#results img.roll')].every(i => i.complete && i.naturalWidth > 0)"), "piano rolls did not load");
        Assert.Equal(4, page.Driver.FindElements(By.CssSelector("#results img.roll")).Count);
        // Audio: a WAV blob the browser has decoded far enough to know its length.
        var source = cards[0].FindElement(By.CssSelector("audio > source"));
        Assert.Equal("audio/wav", source.GetAttribute("type"));
        Assert.StartsWith("blob:", source.GetAttribute("src"));
        page.Until(_ => page.Script<bool>("const a = document.querySelector('#results audio'); return a.readyState >= 1 && a.duration > 0 && a.currentSrc.startsWith('blob:')"), "the WAV did not load");
        var play = cards[0].FindElement(By.CssSelector("button.play"));
        play.Click();
        page.Until(_ => play.GetAttribute("aria-pressed") == "true", "play did not start the audio");
        play.Click();
        page.Until(_ => play.GetAttribute("aria-pressed") == "false", "pause did not stop the audio");

        Screenshot(page);
    }

    [BrowserFact]
    public async Task The_attribute_sliders_span_each_attributes_max_strength_and_the_host_takes_the_extreme()
    {
        var models = (await session.Host.Client.ListModelsAsync()).Where(m => m.Attributes.Count > 0).ToList();
        Assert.NotEmpty(models);
        var page = Page();
        page.Open(session.PageUrl());
        foreach (var model in models)
        {
            page.PickModel(model.Id);
            foreach (var attribute in model.Attributes)
            {
                var slider = page.Id("attr-" + attribute.Name);
                Assert.Equal((-attribute.MaxStrength).ToString(CultureInfo.InvariantCulture), slider.GetAttribute("min"));
                Assert.Equal(attribute.MaxStrength.ToString(CultureInfo.InvariantCulture), slider.GetAttribute("max"));
            }
        }

        var melody = models.Single(m => m.Id == "melody-2bar");
        page.PickModel(melody.Id);
        page.DemoSeed();
        page.SetRange("count", 2);
        page.SetRange("attr-register", -melody.Attributes.Single(a => a.Name == "register").MaxStrength);
        Assert.Equal("-8", page.Id("attr-register").GetAttribute("value")); // not clamped by the page
        page.Generate("vary", 2); // a strength the host refused would show its problem and fail here
    }

    [BrowserFact]
    public void A_result_downloads_as_a_named_midi_file_and_becomes_the_next_seed()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        page.DemoSeed();
        page.SetRange("count", 2);
        var cards = page.Generate("vary", 2);
        var target = Path.Combine(session.Downloads, "melody-2bar-variation-02.mid");
        cards[1].FindElement(By.CssSelector("button.download")).Click();
        page.Until(_ => File.Exists(target) && new FileInfo(target).Length > 14, "the download did not arrive");
        var bytes = File.ReadAllBytes(target);
        Assert.Equal("MThd"u8.ToArray(), bytes[..4]);
        var notes = int.Parse(Python.Run("import mido,sys; m=mido.MidiFile(sys.argv[1]); print(sum(1 for t in m.tracks for e in t if e.type=='note_on' and e.velocity>0))", target).Trim());
        Assert.True(notes > 0, "the downloaded MIDI file holds no notes");

        cards[1].FindElement(By.CssSelector("button.reseed")).Click();
        page.Until(_ => page.Id("view-a").Text.Contains("melody-2bar-variation-02.mid", StringComparison.Ordinal));
        page.Generate("vary", 2);
    }

    [BrowserFact]
    public void Interpolating_between_two_seeds_shows_each_step()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        page.DemoSeed();
        page.Run("document.getElementById('interpolate-box').open = true");
        page.Id("file-b").SendKeys(RepoPaths.SeedMelody);
        page.Until(_ => page.Id("view-b").Text.Contains("seed-melody.mid", StringComparison.Ordinal));
        page.SetRange("steps", 3);
        page.Generate("interpolate", 3);
        Assert.Contains("3 steps", page.Id("results-status").Text);
    }

    [BrowserFact]
    public void The_drum_text_and_image_demo_seeds_vary_into_results()
    {
        var page = Page();
        page.Open(session.PageUrl());
        var models = page.Script<IReadOnlyCollection<object>>("return [...document.querySelectorAll('#model option')].map(o => o.value)").Cast<string>().ToList();

        if (models.Contains("drums-2bar"))
        {
            page.PickModel("drums-2bar");
            page.DemoSeed();
            page.SetRange("count", 2);
            var drums = page.Generate("vary", 2);
            Assert.Contains("variation 1", drums[0].GetAttribute("aria-label"));
        }

        page.PickModel("text-flavour");
        page.DemoSeed();
        Assert.NotEmpty(page.Id("text-a").GetAttribute("value")!);
        page.SetRange("count", 3);
        var lines = page.Generate("vary", 3);
        Assert.All(lines, card => Assert.False(string.IsNullOrWhiteSpace(card.FindElement(By.CssSelector(".line")).Text)));

        // The text seed is dropped with the switch to an image model: Vary asks for a seed instead of sending text.
        page.PickModel("sprites");
        page.Id("vary").Click();
        Assert.Equal("No seed", page.ErrorTitle());
        page.DemoSeed();
        page.SetRange("count", 4);
        page.Generate("vary", 4);
        page.Until(_ => page.Script<bool>("const i = [...document.querySelectorAll('#results.images img')]; return i.length === 4 && i.every(x => x.complete && x.naturalWidth > 0)"), "the image grid did not load");
    }

    [BrowserFact]
    public void A_damaged_seed_file_shows_the_hosts_problem_title()
    {
        var page = Page();
        page.Open(session.PageUrl());
        page.PickModel("melody-2bar");
        using var temp = new TempDir();
        var damaged = Path.Combine(temp.Path, "damaged.mid");
        File.WriteAllBytes(damaged, "MThd this is not a MIDI file"u8.ToArray());
        page.Id("file-a").SendKeys(damaged);
        page.Until(_ => page.Id("view-a").Text.Contains("damaged.mid", StringComparison.Ordinal));
        page.Id("vary").Click();
        Assert.Equal("Bad seed", page.ErrorTitle());
        Assert.NotEmpty(page.Id("error-detail").Text); // the problem's detail follows its title
        Assert.Empty(page.Driver.FindElements(By.CssSelector("#results .card")));
    }

    [BrowserFact]
    public void A_wrong_token_is_refused_on_the_page_and_shows_no_data()
    {
        var page = Page();
        page.Open(session.PageUrl("not-the-token"));
        page.Until(_ => page.Id("auth").Displayed, "the refusal was not shown");
        Assert.Contains("401", page.Id("auth").Text);
        Assert.Contains("vaecreative studio", page.Id("auth").Text);
        Assert.False(page.Id("app").Displayed);
        Assert.Empty(page.Driver.FindElements(By.CssSelector("#model option")));

        page.Run("sessionStorage.clear()"); // a new tab: no token kept from before
        page.Open(session.PageUrl().Split('#')[0]);
        page.Until(_ => page.Id("auth").Displayed, "the missing token was not reported");
        Assert.Contains("No token", page.Id("auth").Text);
        Assert.False(page.Id("app").Displayed);
    }

    [BrowserFact]
    public void A_training_job_can_be_cancelled_from_the_page()
    {
        var page = Page();
        page.Open(session.PageUrl());
        StartTraining(page, "studio-cancel", "studio-never", 1_000_000);
        page.Until(_ => page.Id("train-status").Text.Contains("running", StringComparison.Ordinal) || page.Id("error").Displayed, "the job did not start");
        Assert.False(page.Id("error").Displayed, page.Id("error").Text);
        page.Id("train-cancel").Click();
        page.Until(_ => page.Id("train-status").Text.Contains("cancelled", StringComparison.Ordinal), "the job was not cancelled");
        page.Until(_ => !page.Id("train-cancel").Enabled);
        Assert.DoesNotContain(page.Script<IReadOnlyCollection<object>>("return [...document.querySelectorAll('#model option')].map(o => o.value)"), o => (string)o == "studio-never");
    }

    [BrowserFact]
    public void Training_from_a_folder_shows_progress_a_loss_curve_and_serves_the_new_model()
    {
        var page = Page();
        page.Open(session.PageUrl());
        StartTraining(page, "studio-train", "studio-tiny", 4);
        page.Until(_ => page.Id("train-status").Text.Contains("succeeded", StringComparison.Ordinal) || page.Id("error").Displayed, "the job did not finish");
        Assert.False(page.Id("error").Displayed, page.Id("error").Text);
        Assert.Equal("4", page.Id("train-progress").GetAttribute("value"));
        // The loss curve: something drawn inside the axes (they sit at x = 48 and 24 pixels above the bottom; labels outside).
        Assert.True(page.Script<bool>("const c = document.getElementById('loss'); const d = c.getContext('2d').getImageData(52, 0, c.width - 64, c.height - 28).data; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false;"),
            "no loss was drawn");
        page.Until(_ => page.Script<bool>("return [...document.querySelectorAll('#model option')].some(o => o.value === 'studio-tiny')"), "the new model is not listed");
    }

    /// <summary>
    /// Writes the page with results to the test output folder, and to docs/studio.png when VAECREATIVE_STUDIO_SCREENSHOT
    /// is set (scripts/studio-screenshot.sh sets it).
    /// </summary>
    private static void Screenshot(StudioPage page)
    {
        page.Run("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        var shot = page.Driver.GetScreenshot();
        var local = Path.Combine(AppContext.BaseDirectory, "studio.png");
        shot.SaveAsFile(local);
        Assert.True(PngCheck.Size(local).Width >= 1000, "the screenshot is not the full page width");
        if (Environment.GetEnvironmentVariable("VAECREATIVE_STUDIO_SCREENSHOT") is { Length: > 0 })
        {
            var docs = Path.Combine(RepoPaths.Root, "docs", "studio.png");
            var temp = docs + ".tmp";
            File.Copy(local, temp, overwrite: true);
            File.Move(temp, docs, overwrite: true);
        }
    }
}
