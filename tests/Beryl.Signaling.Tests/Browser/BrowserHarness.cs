using System.Reflection;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;
using Microsoft.Playwright;

namespace Beryl.Signaling.Tests.Browser;

/// <summary>
/// An in-process echo node serving the shipped page, and Debian's Chromium (headless, through Playwright) with a WAV
/// file as its microphone, on that page. Everything is disposed, in order, even when starting fails half way.
/// </summary>
internal sealed class BrowserHarness : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private SignalingServer? _server;

    private BrowserHarness(MediaNode node) => Node = node;

    public MediaNode Node { get; }

    /// <summary>How long the node has been running.</summary>
    public TimeSpan Running => _clock.Elapsed;

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private IPage? _page;

    public IPage Page => _page ?? throw new InvalidOperationException("the page is not open");

    /// <summary>Ignores the test where Chromium is not installed, unless BERYL_REQUIRE_BROWSER=1 asks for it.</summary>
    public static void RequireChromium()
    {
        if (File.Exists(Chromium))
            return;
        string reason = $"{Chromium} is not installed (apt-get install chromium)";
        if (Environment.GetEnvironmentVariable("BERYL_REQUIRE_BROWSER") == "1")
            Assert.Fail($"{reason}, and BERYL_REQUIRE_BROWSER=1 requires the browser tests");
        Assert.Ignore(reason);
    }

    /// <summary>Starts the node (echo mode unless <paramref name="options"/> says otherwise) and opens the page on it.</summary>
    public static async Task<BrowserHarness> StartAsync(string microphoneWav, MediaNodeOptions? options = null)
    {
        var node = new MediaNode((options ?? new MediaNodeOptions()) with
        {
            AudioThreads = 1,
            // Chromium offers loopback candidates only with --allow-loopback-in-peer-connection; nothing leaves the machine.
            PeerConfiguration = new RTCConfiguration { LoopbackOnly = true, IncludeLoopback = true },
        });
        var harness = new BrowserHarness(node);
        try
        {
            harness._server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, PageHtml = ShippedPage() }, node);
            harness._playwright = await Playwright.CreateAsync();
            harness._browser = await harness._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Timeout = 30_000,
                Args =
                [
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    $"--use-file-for-fake-audio-capture={microphoneWav}",
                    "--allow-loopback-in-peer-connection",
                    "--autoplay-policy=no-user-gesture-required",
                    "--no-sandbox",
                ],
            });
            harness._page = await harness._browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
            harness.Page.SetDefaultTimeout(20_000);
            harness.Page.Console += (_, message) => TestContext.Out.WriteLine($"page console {message.Type}: {message.Text}");
            harness.Page.PageError += (_, error) => TestContext.Out.WriteLine($"page error: {error}");
            await harness.Page.GotoAsync(harness._server.BaseAddress.ToString());
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the element's text satisfies <paramref name="predicate"/> (a JavaScript function of the text).</summary>
    public Task WaitForTextAsync(string selector, string predicate, float timeoutMs = 20_000) =>
        Page.WaitForFunctionAsync(
            $"([selector]) => {{ const e = document.querySelector(selector); return e !== null && ({predicate})(e.textContent); }}",
            new object[] { selector },
            new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 50 });

    /// <summary>Saves the page as <paramref name="name"/>.png in the test's folder, for a person to look at.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestContext.CurrentContext.WorkDirectory, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (_page is not null)
        {
            // What the page last said: the first thing to read when a test failed.
            foreach (string id in new[] { "#status", "#state", "#log" })
                TestContext.Out.WriteLine($"page {id}: {await _page.TextContentAsync(id, new() { Timeout = 2000 })}");
        }
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
        await Node.DisposeAsync();
    }

    // The page the CLI embeds and serves, so the test sees exactly what `beryl listen` ships.
    private static string ShippedPage()
    {
        using var stream = Assembly.Load("beryl").GetManifestResourceStream("index.html")
            ?? throw new InvalidOperationException("the beryl assembly has no embedded index.html");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
