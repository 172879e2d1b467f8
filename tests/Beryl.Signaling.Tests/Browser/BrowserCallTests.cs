using System.Diagnostics;
using System.Net;
using Beryl.Media.Audio;
using Beryl.Media.Node;
using Beryl.TestVectors;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.Signaling.Tests.Browser;

/// <summary>
/// The shipped page in a real browser: Chromium calls an in-process echo node with a synthetic talker as its
/// microphone, hears the talker come back, and shows the browser's and the node's statistics.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrowserCallTests
{
    private const int WavRate = 48000;
    private const double RecordSeconds = 6;
    private const double ActiveLevelDbfs = -26;

    private string _microphone = null!;

    [OneTimeSetUp]
    public void WriteMicrophone()
    {
        BrowserHarness.RequireChromium();
        // Chromium loops the file; 10 s of phrases and pauses gives the recording a distinctive envelope to align on.
        var talk = new SpeechSynthesizer(TalkerVoice.Female, WavRate, new DeterministicRandom(7, "browser-microphone")).Talk(10 * WavRate);
        SignalLevels.Scale([talk], Math.Pow(10, (ActiveLevelDbfs - SignalLevels.ActiveLevelDbfs([talk], WavRate)) / 20));
        _microphone = Path.Combine(TestContext.CurrentContext.WorkDirectory, "browser-microphone.wav");
        WavWriter.WriteAll(_microphone, WavRate, [talk], WavSampleFormat.Pcm16);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task The_caller_hears_itself_back_and_sees_the_call_statistics(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        await using var harness = await BrowserHarness.StartAsync(_microphone).WaitAsync(cancellation);
        var page = harness.Page;

        await page.ClickAsync("#call");
        await harness.WaitForTextAsync("#state", "t => t === 'connected'").WaitAsync(cancellation);
        TestContext.Out.WriteLine($"connected after {clock.Elapsed.TotalSeconds:0.0} s");
        // The node's statistics come once a second, the browser's are read once a second.
        await harness.WaitForTextAsync("#node-erle", "t => /\\d/.test(t)").WaitAsync(cancellation);
        await harness.WaitForTextAsync("#packets-received", "t => Number(t) > 0").WaitAsync(cancellation);

        var (sent, received) = await PageAudioRecorder.RecordAsync(page, RecordSeconds).WaitAsync(cancellation);
        Node.AudioTiming.AssumeNodeKeptTime(harness.Node, harness.Running);
        await harness.ScreenshotAsync("browser-call");
        var figures = RoundTrip.Measure(sent, received, PageAudioRecorder.SampleRate);
        TestContext.Out.WriteLine($"sent {figures.SentDbfs:0.0} dBFS, received {figures.ReceivedDbfs:0.0} dBFS; over {figures.Windows} windows of talk: " +
            $"median correlation {figures.Correlation:0.000}, round trip {figures.DelayMs:0} ms (from {figures.MinDelayMs:0} to {figures.MaxDelayMs:0})");
        string[] shown = ["#state", "#codec", "#packets-sent", "#packets-received", "#rtt", "#level-in", "#level-out", "#node-erle", "#node-delay", "#node-delay-confidence", "#node-double-talk", "#node-jitter-buffer", "#node-jitter-target"];
        foreach (string id in shown)
            TestContext.Out.WriteLine($"{id}: {await page.TextContentAsync(id)}");

        Assert.Multiple(() =>
        {
            Assert.That(figures.SentDbfs, Is.GreaterThan(ActiveLevelDbfs - 12), "the fake microphone reaches the page");
            Assert.That(figures.ReceivedDbfs, Is.GreaterThan(figures.SentDbfs - 10), "level of the echo");
            // Measured 0.81 to 0.95 (median over windows of talk) through two Opus legs and the node's canceller; another
            // talker scores 0.15 to 0.21.
            Assert.That(figures.Correlation, Is.GreaterThan(0.6), "the echo is the talker");
            Assert.That(figures.DelayMs, Is.InRange(20, 1000), "round trip");
        });
        foreach (string id in new[] { "#node-erle", "#node-delay", "#node-jitter-buffer", "#rtt", "#jitter" })
            Assert.That(await page.TextContentAsync(id), Does.Match(@"\d"), id);
        Assert.That(await page.TextContentAsync("#codec"), Does.StartWith("opus").IgnoreCase);

        await page.ClickAsync("#hangup");
        await harness.WaitForTextAsync("#state", "t => t === 'closed'").WaitAsync(cancellation);
        Assert.That(await page.IsEnabledAsync("#call"), Is.True, "a new call can be made");
        while (harness.Node.Sessions.Count > 0)
            await Task.Delay(20, cancellation);
        TestContext.Out.WriteLine($"test took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_call_the_node_refuses_shows_its_error(CancellationToken cancellation)
    {
        await using var harness = await BrowserHarness.StartAsync(_microphone, new MediaNodeOptions { MaxSessions = 1 }).WaitAsync(cancellation);
        Assert.That(harness.Node.TryCreateSession(IPAddress.Loopback, out var occupant, out string? error), Is.True, error);
        try
        {
            await harness.Page.ClickAsync("#call");
            await harness.WaitForTextAsync("#status", "t => t.includes('refused')").WaitAsync(cancellation);
            await harness.ScreenshotAsync("browser-refused");
            await Assert.MultipleAsync(async () =>
            {
                Assert.That(await harness.Page.TextContentAsync("#status"), Does.Contain("the node is full"));
                Assert.That(await harness.Page.GetAttributeAsync("#status", "data-kind"), Is.EqualTo("error"));
                Assert.That(await harness.Page.TextContentAsync("#log"), Does.Contain("node: the node is full"));
                Assert.That(await harness.Page.IsEnabledAsync("#call"), Is.True, "the caller may try again");
                Assert.That(await harness.Page.IsEnabledAsync("#hangup"), Is.False);
            });
        }
        finally
        {
            await occupant!.CloseAsync("test over");
        }
    }
}
