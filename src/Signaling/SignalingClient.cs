using System.Net.WebSockets;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling;

/// <summary>
/// The caller's side of WebSocket signaling: <see cref="CallAsync"/> offers a call for a peer connection, trickles its
/// candidates, applies the node's answer and candidates, and reports errors, statistics and the node's bye as events.
/// </summary>
/// <example>
/// <code>
/// await using var peer = new RTCPeerConnection();
/// await using var signaling = await SignalingClient.ConnectAsync(new Uri("ws://127.0.0.1:8080/ws"));
/// await signaling.CallAsync(peer, cancellationToken);   // returns once the answer is applied
/// </code>
/// </example>
public sealed class SignalingClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiveLoop;

    /// <summary>The largest message accepted from the node unless told otherwise: an SDP with many candidates fits.</summary>
    public const int DefaultMaxMessageBytes = 256 * 1024;

    private SignalingClient(ClientWebSocket socket, int maxMessageBytes)
    {
        _socket = socket;
        MaxMessageBytes = maxMessageBytes;
    }

    /// <summary>The largest message accepted from the node; a larger one ends signaling.</summary>
    public int MaxMessageBytes { get; }

    /// <summary>Raised for each error the node sends (the call may go on).</summary>
    public event Action<string>? ErrorReceived;

    /// <summary>Raised for each statistics message, with its JSON text.</summary>
    public event Action<string>? StatisticsReceived;

    /// <summary>Completes with the reason when the node ends the call (bye) or signaling closes.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>Opens the WebSocket, accepting messages up to <see cref="DefaultMaxMessageBytes"/>.</summary>
    /// <exception cref="WebSocketException">The node cannot be reached or refused the WebSocket.</exception>
    public static Task<SignalingClient> ConnectAsync(Uri uri, CancellationToken cancellationToken = default) =>
        ConnectAsync(uri, DefaultMaxMessageBytes, cancellationToken);

    /// <summary>Opens the WebSocket, accepting messages up to <paramref name="maxMessageBytes"/> (at least 1 KiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessageBytes"/> is under 1 KiB.</exception>
    /// <exception cref="WebSocketException">The node cannot be reached or refused the WebSocket.</exception>
    public static async Task<SignalingClient> ConnectAsync(Uri uri, int maxMessageBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1024);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new SignalingClient(socket, maxMessageBytes);
    }

    /// <summary>Sends one message.</summary>
    public async Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message.ToUtf8(), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Offers a call for <paramref name="peer"/> and returns once the node's answer is applied; the node's candidates
    /// keep arriving in the background, and the peer's own are trickled as they are gathered.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node refused the offer (its error message), or its answer.</exception>
    public async Task CallAsync(RTCPeerConnection peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (_receiveLoop is not null)
            throw new InvalidOperationException("this signaling connection already carries a call");
        var answered = new TaskCompletionSource<SetDescriptionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiveLoop = ReceiveLoopAsync(peer, answered);

        var held = new HeldCandidates();
        held.Hold();
        peer.onicecandidate += candidate =>
        {
            if (!held.TryHold(candidate))
                _ = TrySendAsync(SignalingMessage.ForCandidate(candidate));
        };
        var offer = peer.createOffer();
        await peer.setLocalDescription(offer).ConfigureAwait(false);
        await SendAsync(SignalingMessage.Offer(peer.localDescription!.sdp), cancellationToken).ConfigureAwait(false);
        // Queued on the send lock while holding, so that no candidate gathered later (end-of-candidates above all)
        // can overtake them.
        held.Release(candidate => _ = TrySendAsync(SignalingMessage.ForCandidate(candidate)));
        using var registration = cancellationToken.Register(() => answered.TrySetCanceled(cancellationToken));
        var result = await answered.Task.ConfigureAwait(false);
        if (!result.IsSuccess)
            throw new InvalidOperationException(result.Error);
    }

    /// <summary>Tells the node the call is over.</summary>
    public Task HangUpAsync(CancellationToken cancellationToken = default) =>
        SendAsync(SignalingMessage.Bye("the caller hung up"), cancellationToken);

    /// <summary>Closes the WebSocket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_receiveLoop is not null)
            await _receiveLoop.ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task TrySendAsync(SignalingMessage message)
    {
        try
        {
            await SendAsync(message, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync(RTCPeerConnection peer, TaskCompletionSource<SetDescriptionResult> answered)
    {
        var reader = new WebSocketMessageReader(_socket, MaxMessageBytes);
        string reason = "signaling closed";
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (received.TooLarge)
                    throw new InvalidDataException($"the node sent a message over {MaxMessageBytes} bytes");
                if (received.Type == WebSocketMessageType.Close)
                {
                    reason = _socket.CloseStatusDescription is { Length: > 0 } description ? description : reason;
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", _stop.Token).ConfigureAwait(false);
                    break;
                }
                if (!SignalingMessage.TryParse(received.Data.Span, out var message, out string? error))
                {
                    ErrorReceived?.Invoke($"unreadable message from the node: {error}");
                    continue;
                }
                switch (message.Type)
                {
                    case SignalingMessageType.Answer:
                        answered.TrySetResult(peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = message.Sdp! }));
                        break;
                    case SignalingMessageType.Candidate:
                        peer.addIceCandidate(message.Candidate ?? new RTCIceCandidateInit());
                        break;
                    case SignalingMessageType.Error:
                        // Before the answer, an error is the node refusing the offer.
                        answered.TrySetResult(SetDescriptionResult.Failure($"the node refused the call: {message.Text}"));
                        ErrorReceived?.Invoke(message.Text!);
                        break;
                    case SignalingMessageType.Stats:
                        StatisticsReceived?.Invoke(System.Text.Encoding.UTF8.GetString(received.Data.Span));
                        break;
                    case SignalingMessageType.Bye:
                        reason = message.Text is { Length: > 0 } text ? text : "the node ended the call";
                        _ended.TrySetResult(reason);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidDataException)
        {
            reason = e is OperationCanceledException ? "signaling closed" : e.Message;
        }
        answered.TrySetResult(SetDescriptionResult.Failure($"no answer: {reason}"));
        _ended.TrySetResult(reason);
    }
}
