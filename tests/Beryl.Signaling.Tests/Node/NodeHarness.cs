using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling.Tests.Node;

/// <summary>An in-process node and its signaling server on a free loopback port; media on loopback only.</summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private NodeHarness(MediaNode node, SignalingServer server)
    {
        Node = node;
        Server = server;
    }

    public MediaNode Node { get; }

    public SignalingServer Server { get; }

    /// <summary>How long the node has been running.</summary>
    public TimeSpan Running => _clock.Elapsed;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static async Task<NodeHarness> StartAsync(MediaNodeOptions? options = null, SignalingLimits? limits = null)
    {
        var node = new MediaNode((options ?? new MediaNodeOptions()) with
        {
            PeerConfiguration = new RTCConfiguration { LoopbackOnly = true },
            AudioThreads = 1,
        });
        var server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, Limits = limits ?? new SignalingLimits() }, node);
        return new NodeHarness(node, server);
    }

    /// <summary>A bare WebSocket to <c>/ws</c>, for speaking the protocol (or abusing it) by hand.</summary>
    public async Task<RawSignaling> OpenSocketAsync()
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(Server.WebSocketUri, CancellationToken.None);
        return new RawSignaling(socket);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(20);
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Node.DisposeAsync();
    }
}

/// <summary>One WebSocket's messages, read one at a time with a timeout; statistics messages are skipped unless asked for.</summary>
internal sealed class RawSignaling(ClientWebSocket socket) : IAsyncDisposable
{
    public ClientWebSocket Socket { get; } = socket;

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAsync(SignalingMessage message) =>
        Socket.SendAsync(message.ToUtf8(), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message (not stats, unless <paramref name="includeStats"/>), or null when the socket closed.</summary>
    public async Task<SignalingMessage?> ReceiveAsync(bool includeStats = false, double timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var buffer = new byte[1 << 20];
        while (true)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await Socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            Assert.That(SignalingMessage.TryParse(buffer.AsSpan(0, length), out var message, out string? error), Is.True, $"the node sent unreadable JSON: {error}");
            if (message!.Type != SignalingMessageType.Stats || includeStats)
                return message;
        }
    }

    /// <summary>The next message but trickled candidates must be an error containing <paramref name="expected"/>.</summary>
    public async Task ExpectErrorAsync(string expected)
    {
        SignalingMessage? message;
        do
            message = await ReceiveAsync();
        while (message?.Type == SignalingMessageType.Candidate);
        Assert.That(message?.Type, Is.EqualTo(SignalingMessageType.Error), $"expected an error about '{expected}', got {message}");
        Assert.That(message!.Text, Does.Contain(expected));
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        Socket.Dispose();
    }
}
