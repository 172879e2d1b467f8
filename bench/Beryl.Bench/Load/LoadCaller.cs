using System.Diagnostics;
using Beryl.Media.Dtls;
using Beryl.Media.Rtp;
using Beryl.Media.WebRtc;
using Beryl.Signaling;

namespace Beryl.Bench.Load;

/// <summary>
/// One echo call of the load generator: a Beryl peer signalled over the node's WebSocket, with no audio threads of its
/// own. <see cref="CallerPacer"/> sends its packets; it counts what comes back and the gaps between arrivals.
/// </summary>
internal sealed class LoadCaller : IAsyncDisposable
{
    private readonly RTCPeerConnection _peer;
    private readonly SignalingClient _signaling;
    private readonly ArrivalGaps _gaps;
    private long _sent, _received, _lastArrival;

    private LoadCaller(RTCPeerConnection peer, SignalingClient signaling, ArrivalGaps gaps)
    {
        _peer = peer;
        _signaling = signaling;
        _gaps = gaps;
        _peer.OnRtpPacketReceived += OnPacket;
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Whether the node ended the call or its connection broke.</summary>
    public bool Dropped => _signaling.Ended.IsCompleted || _peer.connectionState is RTCPeerConnectionState.failed or RTCPeerConnectionState.closed;

    public AudioRtpStatistics Rtp => _peer.GetStatistics().Audio;

    /// <summary>Signals a call to the node and waits until its media is connected; null (and the reason) when it is not.</summary>
    public static async Task<(LoadCaller? Caller, string? Error)> ConnectAsync(Uri node, DtlsCertificate identity, ArrivalGaps gaps, TimeSpan timeout)
    {
        var peer = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true, certificate = identity });
        var connected = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.onconnectionstatechange += state =>
        {
            if (state == RTCPeerConnectionState.connected)
                connected.TrySetResult(true);
            else if (state is RTCPeerConnectionState.failed or RTCPeerConnectionState.closed)
                connected.TrySetResult(false);
        };
        SignalingClient? signaling = null;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            signaling = await SignalingClient.ConnectAsync(node, deadline.Token);
            await signaling.CallAsync(peer, deadline.Token);
            if (await connected.Task.WaitAsync(deadline.Token))
                return (new LoadCaller(peer, signaling, gaps), null);
            return await FailAsync($"the connection {peer.connectionState}");
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            return await FailAsync(e is OperationCanceledException ? $"not connected within {timeout.TotalSeconds:0} s" : e.Message);
        }

        async Task<(LoadCaller?, string?)> FailAsync(string error)
        {
            if (signaling is not null)
                await signaling.DisposeAsync();
            await peer.DisposeAsync();
            return (null, error);
        }
    }

    /// <summary>Sends one 20 ms Opus packet (on the pacer's thread).</summary>
    public void Send(ReadOnlySpan<byte> payload)
    {
        if (_peer.SendAudio(960, payload))
            Interlocked.Increment(ref _sent);
    }

    /// <summary>Says bye, as a caller hanging up does, and closes the peer and the WebSocket.</summary>
    public async ValueTask DisposeAsync()
    {
        _peer.OnRtpPacketReceived -= OnPacket;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _signaling.HangUpAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
        }
        await _peer.DisposeAsync();
        await _signaling.DisposeAsync();
    }

    private void OnPacket(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        long now = Stopwatch.GetTimestamp();
        long last = Interlocked.Exchange(ref _lastArrival, now);
        Interlocked.Increment(ref _received);
        if (last != 0)
            _gaps.Add(Stopwatch.GetElapsedTime(last, now));
    }
}
