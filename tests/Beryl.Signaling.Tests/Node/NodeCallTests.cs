using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Beryl.Media.Audio;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling.Tests.Node;

[CancelAfter(90_000)]
public class NodeCallTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("beryl-node-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase(true)]
    [TestCase(false)]
    public async Task An_echo_call_over_WebSocket_brings_the_callers_voice_back(bool echoCancellation)
    {
        await using var harness = await NodeHarness.StartAsync(new MediaNodeOptions { EchoCancellation = echoCancellation });
        var talker = TestCaller.Talker(1, _directory);
        await using var caller = await TestCaller.CallAsync(harness.Server.WebSocketUri, talker);
        await caller.ReceiveMorePacketsAsync(200);
        AudioTiming.AssumeNodeKeptTime(harness.Node, harness.Running);

        var heard = caller.Heard.Samples.ToArray();
        var said = TestCaller.Said(1, heard.Length);
        double level = TestCaller.LevelDb(heard.AsSpan(heard.Length / 2));
        double correlation = TestCaller.EnvelopeCorrelation(heard, said);
        TestContext.Out.WriteLine($"echo (node AEC {(echoCancellation ? "on" : "off")}): level {level:0.0} dBFS, envelope correlation {correlation:0.00}");
        Assert.That(level, Is.GreaterThan(-45), "the caller hears its voice back");
        Assert.That(correlation, Is.GreaterThan(0.5), "what comes back is what was said");

        var session = harness.Node.Sessions.Single().GetStatistics();
        Assert.That(session.State, Is.EqualTo(NodeSessionState.Connected));
        Assert.That(session.Codec, Does.StartWith("opus"));
        if (echoCancellation)
            Assert.That(session.EchoCanceller?.FramesProcessed, Is.GreaterThan(100), "the leg runs its echo canceller");
        else
            Assert.That(session.EchoCanceller, Is.Null);
    }

    [Test]
    public async Task The_caller_receives_statistics_while_connected()
    {
        await using var harness = await NodeHarness.StartAsync();
        await using var caller = await TestCaller.CallAsync(harness.Server.WebSocketUri, new ToneSource(new AudioFormat(48000, 1), 300, 0.1f));
        await caller.ReceiveMorePacketsAsync(10);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        caller.Signaling.StatisticsReceived += json => received.TrySetResult(json);
        var json = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var document = JsonDocument.Parse(json);
        var session = document.RootElement.GetProperty("session");
        Assert.That(session.GetProperty("state").GetString(), Is.EqualTo("connected"));
        Assert.That(session.GetProperty("echoCanceller").GetProperty("erleDb").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(session.GetProperty("rtp").GetProperty("packetsReceived").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public async Task The_nodes_metrics_show_the_call()
    {
        await using var harness = await NodeHarness.StartAsync();
        await using var caller = await TestCaller.CallAsync(harness.Server.WebSocketUri, new ToneSource(new AudioFormat(48000, 1), 300, 0.1f));
        await caller.ReceiveMorePacketsAsync(50);

        var measured = new Dictionary<string, double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MediaNode.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.That(measured["beryl.node.calls.active"], Is.EqualTo(1));
        Assert.That(measured["beryl.node.rtp.packets_received"], Is.GreaterThan(40));
        Assert.That(measured["beryl.node.rtp.packets_sent"], Is.GreaterThan(40));
        Assert.That(measured, Does.ContainKey("beryl.node.aec.delay"), "the leg's echo delay is reported");
        Assert.That(measured["beryl.node.rtp.loss_ratio"], Is.LessThan(0.05));
        Assert.That(measured["beryl.node.audio.load"], Is.GreaterThan(0).And.LessThan(0.3), "one call leaves the audio threads idle (the complexity rises again below 0.3)");
        Assert.That(measured["beryl.node.encoder.complexity"], Is.EqualTo(harness.Node.Options.Codec.Opus.Complexity), "an idle node keeps the configured complexity");
    }

    [Test]
    public async Task The_node_offers_when_asked_and_takes_the_answer()
    {
        await using var harness = await NodeHarness.StartAsync();
        await using var socket = await harness.OpenSocketAsync();
        await using var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        peer.onicecandidate += candidate => _ = socket.SendAsync(SignalingMessage.ForCandidate(candidate));
        await socket.SendTextAsync("""{"type":"offer-request"}""");

        var offer = await socket.ReceiveAsync();
        Assert.That(offer?.Type, Is.EqualTo(SignalingMessageType.Offer));
        Assert.That(peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = offer!.Sdp! }).IsSuccess, Is.True);
        var answer = peer.createAnswer();
        await peer.setLocalDescription(answer);
        await socket.SendAsync(SignalingMessage.Answer(peer.localDescription!.sdp));
        var pumping = PumpCandidatesAsync(socket, peer);

        // Each end finishes its DTLS handshake at its own moment.
        Assert.That(await NodeHarness.EventuallyAsync(() => harness.Node.ActiveCalls == 1 && peer.connectionState == RTCPeerConnectionState.connected,
            TimeSpan.FromSeconds(20)), Is.True, $"the call connected: node {harness.Node.ActiveCalls} calls, peer {peer.connectionState}");
        await socket.SendTextAsync("""{"type":"bye"}""");
        Assert.That(await NodeHarness.EventuallyAsync(() => harness.Node.Sessions.Count == 0, TimeSpan.FromSeconds(10)), Is.True, "bye ended the call");
        await socket.DisposeAsync();
        await pumping;
    }

    [Test]
    public async Task Post_offer_answers_with_the_nodes_candidates_and_the_call_echoes()
    {
        await using var harness = await NodeHarness.StartAsync();
        await using var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        await peer.setLocalDescription(peer.createOffer());
        await peer.WaitForGatheringCompleteAsync(TimeSpan.FromSeconds(5));

        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var response = await http.PostAsJsonAsync("offer", new { type = "offer", sdp = peer.localDescription!.sdp });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.That(SignalingMessage.TryParse(body, out var answer, out string? error), Is.True, error);
        Assert.That(answer!.Type, Is.EqualTo(SignalingMessageType.Answer));
        Assert.That(answer.Sdp, Does.Contain("a=candidate:"), "the answer carries the node's candidates");
        Assert.That(peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = answer.Sdp! }).IsSuccess, Is.True);

        var heard = new RecordingSink(new AudioFormat(48000, 1), 48000 * 20);
        using var engine = new Media.Engine.AudioEngine(peer, TestCaller.Talker(2, _directory), heard, new Media.Engine.AudioEngineOptions { EchoCancellation = false });
        Assert.That(await NodeHarness.EventuallyAsync(() => peer.connectionState == RTCPeerConnectionState.connected, TimeSpan.FromSeconds(20)), Is.True);
        engine.Start();
        Assert.That(await NodeHarness.EventuallyAsync(() => peer.GetStatistics().Audio.PacketsReceived > 100, TimeSpan.FromSeconds(20)), Is.True, "the node echoes");
    }

    [TestCase("text/plain", "not JSON at all", HttpStatusCode.BadRequest, "not JSON")]
    [TestCase("application/json", """{"type":"answer","sdp":"v=0"}""", HttpStatusCode.BadRequest, "takes")]
    [TestCase("application/json", """{"type":"offer","sdp":"v=0\r\ns=-\r\n"}""", HttpStatusCode.BadRequest, "refused")]
    public async Task Post_offer_refuses_bad_bodies_with_a_json_error(string contentType, string body, HttpStatusCode status, string reason)
    {
        await using var harness = await NodeHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var response = await http.PostAsync("offer", new StringContent(body, System.Text.Encoding.UTF8, contentType));
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(SignalingMessage.TryParse(await response.Content.ReadAsByteArrayAsync(), out var error, out _), Is.True);
        Assert.That(error!.Type, Is.EqualTo(SignalingMessageType.Error));
        Assert.That(error.Text, Does.Contain(reason));
        Assert.That(harness.Node.Sessions, Is.Empty, "nothing is left open");
    }

    [Test]
    public async Task Post_offer_refuses_an_oversized_body()
    {
        await using var harness = await NodeHarness.StartAsync(limits: new SignalingLimits { MaxMessageBytes = 4096 });
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var response = await http.PostAsync("offer", new StringContent(new string('x', 10_000)));
        Assert.That((int)response.StatusCode, Is.EqualTo(413));
    }

    [Test]
    public async Task Health_and_statistics_endpoints_answer_json()
    {
        await using var harness = await NodeHarness.StartAsync(new MediaNodeOptions { Mode = NodeMode.Bridge });
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var health = JsonDocument.Parse(await http.GetStringAsync("healthz"));
        Assert.That(health.RootElement.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(health.RootElement.GetProperty("mode").GetString(), Is.EqualTo("bridge"));
        Assert.That(health.RootElement.GetProperty("encoderComplexity").GetInt32(), Is.EqualTo(harness.Node.Options.Codec.Opus.Complexity));
        Assert.That(health.RootElement.GetProperty("audioLoad").GetDouble(), Is.InRange(0, 0.3));
        using var stats = JsonDocument.Parse(await http.GetStringAsync("stats"));
        Assert.That(stats.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(await http.GetStringAsync(""), Does.Contain("/ws"), "with no page, the root says where signaling is");
    }

    private static async Task PumpCandidatesAsync(RawSignaling socket, RTCPeerConnection peer)
    {
        try
        {
            while (await socket.ReceiveAsync(timeoutSeconds: 30) is { } message)
            {
                if (message.Type == SignalingMessageType.Candidate)
                    peer.addIceCandidate(message.Candidate ?? new RTCIceCandidateInit());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
        }
    }
}
