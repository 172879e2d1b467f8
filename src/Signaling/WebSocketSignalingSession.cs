using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Beryl.Media.Node;
using Beryl.Media.WebRtc;
using Microsoft.Extensions.Logging;

namespace Beryl.Signaling;

/// <summary>
/// One caller's WebSocket: reads its messages one at a time within the size and rate limits, drives the call's peer
/// connection (offer/answer either way, trickled candidates, bye), and sends the node's answer, candidates, errors and
/// statistics through a single writer. A bad message gets an error and changes nothing; only a flood closes the socket.
/// </summary>
internal sealed class WebSocketSignalingSession
{
    private const int OutboundQueue = 256;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);

    private readonly WebSocket _socket;
    private readonly IPAddress _remote;
    private readonly MediaNode _node;
    private readonly SignalingLimits _limits;
    private readonly ILogger _logger;
    private readonly MessageRateLimiter _rate;
    private readonly Channel<SignalingMessage> _outbound = Channel.CreateBounded<SignalingMessage>(
        new BoundedChannelOptions(OutboundQueue) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly HeldCandidates _heldCandidates = new();
    private NodeSession? _call;
    private int _refused, _ending;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";

    public WebSocketSignalingSession(WebSocket socket, IPAddress remote, MediaNode node, SignalingLimits limits, ILogger logger)
    {
        _socket = socket;
        _remote = remote;
        _node = node;
        _limits = limits;
        _logger = logger;
        _rate = new MessageRateLimiter(limits.MessagesPerSecond, limits.MessageBurst);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var sender = SendLoopAsync();
        var stats = StatsLoopAsync();
        string? reason;
        // A shutdown ends the call first (the caller gets its bye) and then closes the socket politely; cancelling the
        // receive itself would abort the socket with the bye still queued.
        using (stopping.Register(() => _ = EndAsync("the node is shutting down", WebSocketCloseStatus.EndpointUnavailable)))
        {
            try
            {
                reason = await ReceiveLoopAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // Lost or aborted: the caller is gone either way.
                reason = null;
            }
        }
        await EndAsync(reason ?? "the caller closed signaling", reason is null ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.PolicyViolation).ConfigureAwait(false);
        await Task.WhenAll(sender, stats).ConfigureAwait(false);
    }

    // Ends the call, lets the queued messages go, then closes the socket; a caller that does not answer the close within
    // a moment is cut off. Runs once, whoever asks first.
    private async Task EndAsync(string reason, WebSocketCloseStatus status)
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0)
            return;
        _closeStatus = status;
        _closeReason = reason;
        if (_call is { } call)
            await call.CloseAsync(reason).ConfigureAwait(false);
        _outbound.Writer.TryComplete();
        _ = AbortIfNotClosedAsync();
    }

    private async Task AbortIfNotClosedAsync()
    {
        await Task.Delay(CloseTimeout).ConfigureAwait(false);
        if (_socket.State != WebSocketState.Closed)
            _socket.Abort();
    }

    // Returns why the loop ended when the node ends it, or null when the caller closed.
    private async Task<string?> ReceiveLoopAsync()
    {
        var reader = new WebSocketMessageReader(_socket, _limits.MaxMessageBytes);
        while (_socket.State == WebSocketState.Open)
        {
            var received = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (received.Type == WebSocketMessageType.Close)
                return null;

            if (!_rate.TryAcquire())
                Refuse($"too many messages: at most {_limits.MessagesPerSecond:0.#} a second");
            else if (received.TooLarge)
                Refuse($"the message is larger than {_limits.MaxMessageBytes} bytes");
            else if (received.Type != WebSocketMessageType.Text)
                Refuse("binary messages are not signaling: send JSON text");
            else if (!SignalingMessage.TryParse(received.Data.Span, out var message, out string? error))
                Refuse(error);
            else
                await HandleAsync(message).ConfigureAwait(false);

            if (_refused > _limits.MaxRefusedMessages)
                return "too many refused messages";
        }
        return null;
    }

    private async Task HandleAsync(SignalingMessage message)
    {
        switch (message.Type)
        {
            case SignalingMessageType.Offer:
                await OnOfferAsync(message.Sdp!).ConfigureAwait(false);
                break;
            case SignalingMessageType.OfferRequest:
                await OnOfferRequestAsync().ConfigureAwait(false);
                break;
            case SignalingMessageType.Answer:
                await OnAnswerAsync(message.Sdp!).ConfigureAwait(false);
                break;
            case SignalingMessageType.Candidate:
                OnCandidate(message.Candidate);
                break;
            case SignalingMessageType.Bye:
                if (_call is { } call)
                    await call.CloseAsync("the caller hung up").ConfigureAwait(false);
                break;
            default:
                Refuse($"a caller does not send \"{message.Type.ToString().ToLowerInvariant()}\" messages");
                break;
        }
    }

    private async Task OnOfferAsync(string sdp)
    {
        if (!TryStartCall(out var call))
            return;
        var result = call.Peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = sdp });
        if (!result.IsSuccess)
        {
            await EndRefusedCallAsync(call, $"the offer was refused: {result.Error}").ConfigureAwait(false);
            return;
        }
        var answer = call.Peer.createAnswer();
        await call.Peer.setLocalDescription(answer).ConfigureAwait(false);
        SendDescription(SignalingMessage.Answer(call.Peer.localDescription!.sdp));
    }

    private async Task OnOfferRequestAsync()
    {
        if (!TryStartCall(out var call))
            return;
        var offer = call.Peer.createOffer();
        await call.Peer.setLocalDescription(offer).ConfigureAwait(false);
        SendDescription(SignalingMessage.Offer(call.Peer.localDescription!.sdp));
    }

    private async Task OnAnswerAsync(string sdp)
    {
        if (_call is not { } call || call.Peer.signalingState != RTCSignalingState.have_local_offer)
        {
            Refuse("an answer came with no offer of the node's to answer: send offer-request first");
            return;
        }
        var result = call.Peer.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = sdp });
        if (!result.IsSuccess)
            await EndRefusedCallAsync(call, $"the answer was refused: {result.Error}").ConfigureAwait(false);
    }

    private void OnCandidate(RTCIceCandidateInit? candidate)
    {
        if (_call is not { } call || call.Peer.remoteDescription is null)
        {
            Refuse("a candidate came before the offer (or answer) it belongs to");
            return;
        }
        if (!call.Peer.addIceCandidate(candidate ?? new RTCIceCandidateInit()))
            Refuse($"the candidate was refused: '{candidate?.candidate}'");
    }

    private bool TryStartCall(out NodeSession call)
    {
        call = null!;
        if (_call is { State: not NodeSessionState.Ended })
        {
            Refuse("a call is already in progress on this connection: send bye first");
            return false;
        }
        if (!_node.TryCreateSession(_remote, out var created, out string? error))
        {
            Refuse(error);
            return false;
        }
        call = created;
        _call = call;
        _heldCandidates.Hold();
        call.Peer.onicecandidate += OnLocalCandidate;
        call.Ended += OnCallEnded;
        return true;
    }

    private async Task EndRefusedCallAsync(NodeSession call, string reason)
    {
        call.Ended -= OnCallEnded;
        Refuse(reason);
        await call.CloseAsync(reason).ConfigureAwait(false);
        _call = null;
    }

    private void SendDescription(SignalingMessage description)
    {
        Send(description);
        _heldCandidates.Release(candidate => Send(SignalingMessage.ForCandidate(candidate)));
    }

    private void OnLocalCandidate(RTCIceCandidateInit? candidate)
    {
        if (!_heldCandidates.TryHold(candidate))
            Send(SignalingMessage.ForCandidate(candidate));
    }

    private void OnCallEnded(NodeSession call, string reason)
    {
        call.Peer.onicecandidate -= OnLocalCandidate;
        if (Interlocked.CompareExchange(ref _call, null, call) == call)
            Send(SignalingMessage.Bye(reason));
    }

    private void Refuse(string error)
    {
        _refused++;
        Send(SignalingMessage.Error(error));
        _logger.LogDebug("signaling from {Address} refused: {Error}", _remote, error);
    }

    private void Send(SignalingMessage message) => _outbound.Writer.TryWrite(message);

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync().ConfigureAwait(false))
                await _socket.SendAsync(message.ToUtf8(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(_closeStatus, _closeReason.Length > 120 ? _closeReason[..120] : _closeReason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The socket went away; the receive loop sees it too.
        }
    }

    private async Task StatsLoopAsync()
    {
        if (_limits.StatsInterval == TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(_limits.StatsInterval);
        while (Volatile.Read(ref _ending) == 0 && await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            if (_call is { State: NodeSessionState.Connected } call)
                Send(new SignalingMessage { Type = SignalingMessageType.Stats, Statistics = call.GetStatistics() });
        }
    }
}
