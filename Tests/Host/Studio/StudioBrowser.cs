using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using VaeCreative.Host.Cli;
using VaeCreative.Tests.Host.Server;

namespace VaeCreative.Tests.Host.Studio;

/// <summary>
/// Debian's headless chromium and its chromedriver, found on PATH (scripts/setup.sh --browser installs them). The driver
/// is given by path and Selenium Manager is pointed at a file that does not exist, so nothing is looked up or downloaded
/// at run time: were Selenium to reach for its manager, starting the browser would fail.
/// </summary>
public static class SystemChromium
{
    /// <summary>The chromium binary on PATH, or null.</summary>
    public static string? Browser { get; } = OnPath("chromium") ?? OnPath("chromium-browser");

    /// <summary>chromedriver on PATH, or null.</summary>
    public static string? Driver { get; } = OnPath("chromedriver");

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public static string? Missing => Browser is null || Driver is null
        ? "no chromium and chromedriver on PATH (scripts/setup.sh --browser installs them; ./test.sh does)"
        : null;

    /// <summary>Starts a headless browser that saves downloads into <paramref name="downloads"/>.</summary>
    public static ChromeDriver Start(string downloads)
    {
        Environment.SetEnvironmentVariable("SE_MANAGER_PATH", Path.Combine(downloads, "selenium-manager-must-not-run"));
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1100",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--metrics-recording-only", "--autoplay-policy=no-user-gesture-required", "--mute-audio");
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.AddUserProfilePreference("safebrowsing.enabled", false);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

/// <summary>A fact that is skipped, saying why, where no browser can be started (CI installs one).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (SystemChromium.Missing is { } reason) Skip = reason;
    }
}

/// <summary>One host and one browser for a test class; each test opens the page afresh.</summary>
public sealed class StudioSession : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;
    public ChromeDriver? Driver { get; private set; }
    public string Downloads { get; } = Path.Combine(Path.GetTempPath(), "vaecreative-studio-dl-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        Host = await RunningHost.Start();
        if (SystemChromium.Missing is not null) return;
        Directory.CreateDirectory(Downloads);
        Driver = SystemChromium.Start(Downloads);
    }

    public async Task DisposeAsync()
    {
        Driver?.Quit();
        Driver?.Dispose();
        await Host.DisposeAsync();
        try { Directory.Delete(Downloads, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>The page's address with <paramref name="token"/> (the host's when null).</summary>
    public string PageUrl(string? token = null) => StudioCommand.PageUrl(Host.Server.Url, token ?? Host.Server.Token);
}

/// <summary>Waits and small helpers over the page; every wait is on a condition, never a fixed time.</summary>
public sealed class StudioPage(ChromeDriver driver)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public ChromeDriver Driver => driver;

    /// <summary>Loads the page afresh (a fragment-only change would not reload it) and waits until it is connected or refused.</summary>
    public void Open(string url)
    {
        driver.Navigate().GoToUrl("about:blank");
        driver.Navigate().GoToUrl(url);
        Until(_ => Script<bool>("return document.body.dataset.ready === 'true' || !document.getElementById('auth').hidden || !document.getElementById('error').hidden"));
    }

    public IWebElement Id(string id) => driver.FindElement(By.Id(id));

    public T Script<T>(string script, params object[] args) => (T)driver.ExecuteScript(script, args)!;

    public void Run(string script, params object[] args) => driver.ExecuteScript(script, args);

    public T Until<T>(Func<IWebDriver, T> condition, string? what = null)
    {
        var wait = new WebDriverWait(driver, Patience) { Message = what ?? "" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Picks model <paramref name="id"/> as a user would (the select's value, then its change event).</summary>
    public void PickModel(string id)
    {
        Run("const s = document.getElementById('model'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", id);
        Assert.Equal(id, Id("model").GetAttribute("value"));
    }

    /// <summary>Sets a range input and fires its input event.</summary>
    public void SetRange(string id, double value) =>
        Run("const r = document.getElementById(arguments[0]); r.value = String(arguments[1]); r.dispatchEvent(new Event('input'));", id, value);

    /// <summary>Clicks the demo seed button and waits for the seed to show.</summary>
    public void DemoSeed()
    {
        // "Demo drums seed" loads "demo drums seed": wait for this modality's, not a seed shown before.
        var expected = "Seed: " + Id("demo-a").Text.ToLowerInvariant();
        Id("demo-a").Click();
        Until(_ => Id("view-a").Text.Contains(expected, StringComparison.Ordinal) || Id("error").Displayed, $"'{expected}' did not load");
        Assert.False(Id("error").Displayed, Id("error").Text);
    }

    /// <summary>Clicks <paramref name="button"/> and waits for <paramref name="count"/> result cards (or an error, which fails the test).</summary>
    public IReadOnlyList<IWebElement> Generate(string button, int count)
    {
        Run("document.getElementById('results').replaceChildren()");
        Id(button).Click();
        Until(_ => Id("error").Displayed || driver.FindElements(By.CssSelector("#results .card")).Count == count, $"{count} results did not appear");
        Assert.False(Id("error").Displayed, "the page shows an error: " + Id("error").Text);
        return driver.FindElements(By.CssSelector("#results .card"));
    }

    /// <summary>Waits for the error banner and returns its title.</summary>
    public string ErrorTitle()
    {
        Until(_ => Id("error").Displayed, "no error was shown");
        return Id("error-title").Text;
    }
}
