using System.Net.WebSockets;
using System.Text;
using Beryl.Media.Audio;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling.Tests.Node;

/// <summary>Bad and hostile signaling gets errors; the connection, the node and the other calls carry on.</summary>
[CancelAfter(90_000)]
public class SignalingAbuseTests
{
    private static readonly SignalingLimits TestLimits = new()
    {
        MaxMessageBytes = 8192,
        MessagesPerSecond = 20,
        MessageBurst = 30,
        MaxRefusedMessages = 60,
        MaxSessionsPerAddress = 4,
    };

    [Test]
    public async Task Each_bad_message_gets_an_error_while_another_call_carries_on()
    {
        await using var harness = await NodeHarness.StartAsync(limits: TestLimits);
        await using var bystander = await TestCaller.CallAsync(harness.Server.WebSocketUri, new ToneSource(new AudioFormat(48000, 1), 440, 0.1f));
        await bystander.ReceiveMorePacketsAsync(20);

        await using var socket = await harness.OpenSocketAsync();
        await socket.SendTextAsync("this is not JSON");
        await socket.ExpectErrorAsync("not JSON");
        await socket.SendTextAsync("""{"type":["offer"]}""");
        await socket.ExpectErrorAsync("\"type\"");
        await socket.SendTextAsync("""{"type":"offer","sdp":12}""");
        await socket.ExpectErrorAsync("\"sdp\" must be a string");
        await socket.SendTextAsync("""{"type":"candidate","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}""");
        await socket.ExpectErrorAsync("before the offer");
        await socket.SendTextAsync("""{"type":"answer","sdp":"v=0\r\n"}""");
        await socket.ExpectErrorAsync("no offer");
        await socket.SendTextAsync(new string(' ', 20_000) + "{}");
        await socket.ExpectErrorAsync("larger than 8192 bytes");
        await socket.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.ExpectErrorAsync("binary");
        await socket.SendAsync(SignalingMessage.Offer(NoAudioOffer));
        await socket.ExpectErrorAsync("the offer was refused");
        await socket.SendTextAsync("""{"type":"stats"}""");
        await socket.ExpectErrorAsync("does not send");
        Assert.That(harness.Node.Sessions.Count, Is.EqualTo(1), "refused offers leave no session behind");

        // The same connection still makes a call after all that.
        await using var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        await peer.setLocalDescription(peer.createOffer());
        await peer.WaitForGatheringCompleteAsync(TimeSpan.FromSeconds(5));
        await socket.SendAsync(SignalingMessage.Offer(peer.localDescription!.sdp));
        var answer = await socket.ReceiveAsync();
        Assert.That(answer?.Type, Is.EqualTo(SignalingMessageType.Answer), answer?.ToString());
        await socket.SendAsync(SignalingMessage.Offer(peer.localDescription.sdp));
        await socket.ExpectErrorAsync("already in progress");

        await bystander.ReceiveMorePacketsAsync(50);
        Assert.That(bystander.Peer.connectionState, Is.EqualTo(RTCPeerConnectionState.connected));
    }

    [Test]
    public async Task A_flood_is_refused_then_cut_off_and_the_node_keeps_serving()
    {
        await using var harness = await NodeHarness.StartAsync(limits: TestLimits);
        await using var bystander = await TestCaller.CallAsync(harness.Server.WebSocketUri, new ToneSource(new AudioFormat(48000, 1), 440, 0.1f));
        await using var flooder = await harness.OpenSocketAsync();

        var candidate = Encoding.UTF8.GetBytes("""{"type":"candidate","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}""");
        int sent = 0;
        try
        {
            for (; sent < 5000 && flooder.Socket.State == WebSocketState.Open; sent++)
                await flooder.Socket.SendAsync(candidate, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The node closed the socket under our feet: what the test wants.
        }
        var errors = new List<string>();
        while (await flooder.ReceiveAsync(timeoutSeconds: 10) is { } message)
            errors.Add(message.Text ?? "");
        TestContext.Out.WriteLine($"flood: {sent} messages sent, {errors.Count} errors back, close {flooder.Socket.CloseStatus}");
        Assert.That(errors, Has.Some.Contains("too many messages"));
        Assert.That(flooder.Socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));

        await bystander.ReceiveMorePacketsAsync(50);
        await using var newcomer = await harness.OpenSocketAsync();
        await newcomer.SendTextAsync("{}");
        await newcomer.ExpectErrorAsync("\"type\"");
    }

    [Test]
    public async Task An_address_over_its_share_of_sessions_is_refused_with_429()
    {
        await using var harness = await NodeHarness.StartAsync(limits: TestLimits with { MaxSessionsPerAddress = 2 });
        await using var first = await harness.OpenSocketAsync();
        await using var second = await harness.OpenSocketAsync();
        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        Assert.ThrowsAsync<WebSocketException>(() => third.ConnectAsync(harness.Server.WebSocketUri, CancellationToken.None));
        Assert.That((int)third.HttpStatusCode, Is.EqualTo(429));

        await first.DisposeAsync();
        Assert.That(await NodeHarness.EventuallyAsync(() => TryConnect(harness.Server.WebSocketUri), TimeSpan.FromSeconds(5)), Is.True,
            "a closed session gives its share back");
    }

    [Test]
    public async Task An_offer_that_never_connects_is_closed_after_the_timeout()
    {
        await using var harness = await NodeHarness.StartAsync(new MediaNodeOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }, TestLimits);
        await using var socket = await harness.OpenSocketAsync();
        string offer;
        await using (var vanished = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true }))
        {
            await vanished.setLocalDescription(vanished.createOffer());
            offer = vanished.localDescription!.sdp;
        }
        await socket.SendAsync(SignalingMessage.Offer(offer));
        Assert.That((await socket.ReceiveAsync())?.Type, Is.EqualTo(SignalingMessageType.Answer));

        SignalingMessage? bye;
        do
            bye = await socket.ReceiveAsync(timeoutSeconds: 15);
        while (bye?.Type == SignalingMessageType.Candidate);
        Assert.That(bye?.Type, Is.EqualTo(SignalingMessageType.Bye));
        Assert.That(bye!.Text, Does.Contain("did not connect within 2 s"));
        Assert.That(harness.Node.Sessions, Is.Empty);
    }

    private static bool TryConnect(Uri uri)
    {
        using var socket = new ClientWebSocket();
        try
        {
            socket.ConnectAsync(uri, CancellationToken.None).GetAwaiter().GetResult();
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
    }

    private const string NoAudioOffer =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" +
        "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n" +
        "a=setup:actpass\r\na=rtpmap:96 VP8/90000\r\na=sendrecv\r\na=rtcp-mux\r\n";
}
