using OpenQA.Selenium;
using VaeCreative.Audio.Rendering;
using VaeCreative.Client;
using VaeCreative.Host.Cli;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Studio;

/// <summary>
/// The page on a host that cannot make previews. The soundfont is found through the process's environment, so the host
/// runs as its own process (<c>vaecreative serve</c>) with <see cref="SoundfontSynthOptions.SoundfontVariable"/> naming a
/// file that does not exist, as on a machine whose configured soundfont is gone: previews answer 503 preview-unavailable.
/// </summary>
public class StudioPreviewFallbackTests
{
    [BrowserFact]
    public async Task Without_previews_the_page_varies_anyway_and_says_why_they_are_missing()
    {
        using var temp = new TempDir();
        var tokenFile = temp.File("host.json");
        using var serve = CliProcess.Start(new Dictionary<string, string> { [SoundfontSynthOptions.SoundfontVariable] = temp.File("gone.sf2") },
            "serve", "--urls", "http://127.0.0.1:0", "--token-file", tokenFile, "--threads", "2");
        var downloads = Directory.CreateDirectory(temp.File("downloads")).FullName;
        var first = await serve.ReadLineAsync();
        Assert.StartsWith("listening on http://127.0.0.1:", first);
        var connection = HostConnection.Read(tokenFile);
        using var driver = SystemChromium.Start(downloads);
        try
        {
            var page = new StudioPage(driver);
            page.Open(StudioCommand.PageUrl(new Uri(connection.Url!), connection.Token));
            page.PickModel("melody-2bar");
            page.DemoSeed();
            page.SetRange("count", 2);
            var cards = page.Generate("vary", 2); // the host's 503 for previews is not shown as an error
            page.Until(_ => page.Id("notice").Displayed, "the page did not say why the previews are missing");
            Assert.StartsWith("No previews: ", page.Id("notice").Text);
            Assert.Contains("gone.sf2", page.Id("notice").Text); // the host's detail names what is missing
            Assert.Empty(driver.FindElements(By.CssSelector("#results img.roll, #results audio")));
            Assert.All(cards, card => Assert.Contains("MIDI variation", card.Text));
            Assert.All(cards, card => Assert.Single(card.FindElements(By.CssSelector("button.download"))));
        }
        finally { driver.Quit(); }
        var (_, stderr) = await serve.StopAsync();
        Assert.DoesNotContain("Exception", stderr);
    }
}
