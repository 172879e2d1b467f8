using System.Text.Json;
using Beryl.Media.Audio;
using Beryl.Media.Node;

namespace Beryl.Signaling.Tests.Node;

[CancelAfter(90_000)]
public class NodeModeTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("beryl-node-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_bridge_pairs_two_callers_who_hear_each_other_and_not_themselves()
    {
        await using var harness = await NodeHarness.StartAsync(new MediaNodeOptions { Mode = NodeMode.Bridge });
        await using var a = await TestCaller.CallAsync(harness.Server.WebSocketUri, TestCaller.Talker(3, _directory));
        await using var b = await TestCaller.CallAsync(harness.Server.WebSocketUri, TestCaller.Talker(4, _directory));
        await a.ReceiveMorePacketsAsync(350);
        await b.ReceiveMorePacketsAsync(350);
        AudioTiming.AssumeNodeKeptTime(harness.Node, harness.Running);

        // Each talker began before the bridge carried it (A before B joined), so the last 6 s of what each heard are
        // compared with the other's talk from any point of its loop.
        int tail = TestCaller.SampleRate * 6;
        var heardByA = a.Heard.Samples[^tail..].ToArray();
        var heardByB = b.Heard.Samples[^tail..].ToArray();
        double aHearsB = TestCaller.CorrelationFromAnyStart(heardByA, 4);
        double aHearsA = TestCaller.CorrelationFromAnyStart(heardByA, 3);
        double bHearsA = TestCaller.CorrelationFromAnyStart(heardByB, 3);
        TestContext.Out.WriteLine($"bridge: A hears B {aHearsB:0.00}, A hears A {aHearsA:0.00}, B hears A {bHearsA:0.00}");
        Assert.That(aHearsB, Is.GreaterThan(0.5));
        Assert.That(bHearsA, Is.GreaterThan(0.5));
        Assert.That(aHearsA, Is.LessThan(aHearsB - 0.2), "A does not hear itself");

        var sessions = harness.Node.Sessions.Select(s => s.GetStatistics()).ToArray();
        Assert.That(sessions.Select(s => s.PartnerId), Is.EquivalentTo(sessions.Select(s => s.Id).Reverse()), "each is the other's partner");

        await b.Signaling.HangUpAsync();
        Assert.That(await a.Signaling.Ended.WaitAsync(TimeSpan.FromSeconds(10)), Does.Contain("other caller hung up"));
    }

    [Test]
    public async Task Play_mode_plays_the_file_and_records_the_call()
    {
        string file = Path.Combine(_directory, "play.wav");
        WavWriter.WriteAll(file, TestCaller.SampleRate, [TestCaller.Said(5, TestCaller.SampleRate * 8)], WavSampleFormat.Float32);
        string record = Path.Combine(_directory, "record");
        await using (var harness = await NodeHarness.StartAsync(new MediaNodeOptions { Mode = NodeMode.Play, PlayFile = file, LoopPlayFile = true, RecordDirectory = record }))
        {
            await using var caller = await TestCaller.CallAsync(harness.Server.WebSocketUri, new SilenceSource(new AudioFormat(48000, 1)));
            await caller.ReceiveMorePacketsAsync(200);
            var heard = caller.Heard.Samples.ToArray();
            double correlation = TestCaller.CorrelationFromAnyStart(heard, 5);
            TestContext.Out.WriteLine($"play: envelope correlation {correlation:0.00}");
            Assert.That(correlation, Is.GreaterThan(0.5));
            await caller.Signaling.HangUpAsync();
            var session = harness.Node.Sessions.Single();
            await session.Finished.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var folder = Directory.GetDirectories(record).Single();
        foreach (var name in new[] { "received.wav", "cleaned.wav", "render.wav" })
        {
            var channels = WavReader.ReadAllChannels(Path.Combine(folder, name), out var format);
            Assert.That(format.SampleRate, Is.EqualTo(16000), name);
            Assert.That(channels[0].Length, Is.GreaterThan(16000 * 3), $"{name} holds the call");
        }
        var render = WavReader.ReadAllChannels(Path.Combine(folder, "render.wav"), out _)[0];
        Assert.That(TestCaller.LevelDb(render), Is.GreaterThan(-40), "the render track is the file played");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "call.json")));
        Assert.That(json.RootElement.GetProperty("state").GetString(), Is.EqualTo("ended"));
        Assert.That(json.RootElement.GetProperty("endReason").GetString(), Is.EqualTo("the caller hung up"));
        Assert.That(json.RootElement.GetProperty("rtp").GetProperty("packetsSent").GetInt64(), Is.GreaterThan(100));
        Assert.That(json.RootElement.GetProperty("recordingDroppedFrames").GetInt64(), Is.Zero, "the recording kept up");
    }

    [Test]
    public void Play_mode_without_a_readable_file_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new MediaNode(new MediaNodeOptions { Mode = NodeMode.Play }));
        var e = Assert.Throws<ArgumentException>(() => new MediaNode(new MediaNodeOptions { Mode = NodeMode.Play, PlayFile = Path.Combine(_directory, "missing.wav") }));
        Assert.That(e!.Message, Does.Contain("missing.wav"));
    }

    [Test]
    public async Task Shutting_the_node_down_ends_its_calls_with_a_reason()
    {
        var harness = await NodeHarness.StartAsync();
        await using var caller = await TestCaller.CallAsync(harness.Server.WebSocketUri, new SilenceSource(new AudioFormat(48000, 1)));
        await caller.ReceiveMorePacketsAsync(10);
        await harness.DisposeAsync();
        string reason = await caller.Signaling.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(reason, Does.Contain("shutting down"));
    }
}
