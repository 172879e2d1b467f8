using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Beryl.Media.WebRtc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Beryl.Signaling.Tests.Messages;

/// <summary>
/// The caller's signaling client against a node that answers with garbage: every unreadable message is reported and
/// reading goes on; the node's error refuses the call; a message over the client's limit (its own to set) ends
/// signaling with its reason.
/// </summary>
[CancelAfter(60_000)]
public class SignalingClientTests
{
    [Test]
    public async Task Garbage_from_the_node_is_reported_and_the_client_keeps_reading(CancellationToken cancellationToken)
    {
        await using var node = await ScriptedNode.StartAsync(async socket =>
        {
            await ReceiveOfferAsync(socket, cancellationToken);
            await SendAsync(socket, "not json", cancellationToken);
            await SendAsync(socket, """{"type":"answer"}""", cancellationToken);
            await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, cancellationToken);
            await SendAsync(socket, """{"type":"error","message":"no such room"}""", cancellationToken);
            await SendAsync(socket, new string('x', 300_000), cancellationToken);
        });
        var errors = new ConcurrentQueue<string>();
        await using var client = await SignalingClient.ConnectAsync(node.Uri, cancellationToken);
        client.ErrorReceived += errors.Enqueue;
        await using var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => client.CallAsync(peer, cancellationToken));
        string ended = await client.Ended.WaitAsync(cancellationToken);

        TestContext.Out.WriteLine(string.Join("\n", errors));
        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("no such room"), "the node's error refuses the call");
            Assert.That(errors.Take(3), Has.All.StartWith("unreadable message from the node"), "each unreadable message is reported");
            Assert.That(errors.ElementAt(1), Does.Contain("\"sdp\""), "an answer without its SDP is named as such");
            Assert.That(errors.Last(), Is.EqualTo("no such room"), "reading went on past the garbage");
            Assert.That(ended, Does.Contain("over 262144 bytes"), "an oversized message ends signaling with its reason");
        });
    }

    [Test]
    public async Task A_client_given_a_larger_limit_reads_past_a_message_the_default_would_end_on(CancellationToken cancellationToken)
    {
        await using var node = await ScriptedNode.StartAsync(async socket =>
        {
            await ReceiveOfferAsync(socket, cancellationToken);
            await SendAsync(socket, new string('x', 300_000), cancellationToken);
            await SendAsync(socket, """{"type":"error","message":"no such room"}""", cancellationToken);
        });
        var errors = new ConcurrentQueue<string>();
        await using var client = await SignalingClient.ConnectAsync(node.Uri, 512 * 1024, cancellationToken);
        client.ErrorReceived += errors.Enqueue;
        await using var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => client.CallAsync(peer, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(client.MaxMessageBytes, Is.EqualTo(512 * 1024));
            Assert.That(errors.First(), Does.StartWith("unreadable message from the node"), "the big message was read, and was not JSON");
            Assert.That(refused!.Message, Does.Contain("no such room"), "reading went on to the node's error");
            Assert.That(client.Ended.IsCompleted, Is.False, "signaling is still open");
        });
    }

    [Test]
    public void A_limit_under_1_KiB_is_refused() =>
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SignalingClient.ConnectAsync(new Uri("ws://127.0.0.1:9/ws"), 100));

    // The client sends its offer first: nothing is answered before it has come.
    private static async Task ReceiveOfferAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var reader = new WebSocketMessageReader(socket, 64 * 1024);
        while (true)
        {
            var message = await reader.ReadAsync(cancellationToken);
            if (message.Type == WebSocketMessageType.Close
                || (SignalingMessage.TryParse(message.Data.Span, out var parsed, out _) && parsed.Type == SignalingMessageType.Offer))
                return;
        }
    }

    private static Task SendAsync(WebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>A WebSocket endpoint on loopback that plays a script to whoever connects, then waits for the close.</summary>
    private sealed class ScriptedNode : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ScriptedNode(WebApplication app, Uri uri)
        {
            _app = app;
            Uri = uri;
        }

        public Uri Uri { get; }

        public static async Task<ScriptedNode> StartAsync(Func<WebSocket, Task> script)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.UseWebSockets();
            app.Map("/ws", async context =>
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await script(socket);
                var reader = new WebSocketMessageReader(socket, 4096);
                while ((await reader.ReadAsync(context.RequestAborted)).Type != WebSocketMessageType.Close)
                {
                }
            });
            await app.StartAsync();
            string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new ScriptedNode(app, new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
