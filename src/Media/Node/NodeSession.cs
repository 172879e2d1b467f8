using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Beryl.Media.Rtp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Node;

/// <summary>
/// One caller at a <see cref="MediaNode"/>: its peer connection, which signaling drives through offer/answer and ICE, and
/// once connected its leg in a room. It ends when the caller hangs up, the connection fails, it does not connect in
/// time, the other caller of a bridge leaves, or the node shuts down.
/// </summary>
public sealed class NodeSession
{
    private readonly MediaNode _node;
    private readonly RtpPacketHandler _onRtp;
    private readonly long _created = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closeStarted, _ended, _legReleased;
    private volatile StrongBox<RTCPeerConnectionStatistics>? _peerAtClose;
    private long _audioErrors;
    private volatile string? _lastAudioError;
    private volatile NodeSessionState _state;
    private NodeSessionStatistics? _final;

    internal NodeSession(MediaNode node, string id, RTCPeerConnection peer, IPAddress? remoteAddress)
    {
        _node = node;
        Id = id;
        Peer = peer;
        RemoteAddress = remoteAddress;
        _onRtp = OnRtpPacket;
        peer.onconnectionstatechange += OnConnectionStateChange;
    }

    /// <summary>The session's identifier, unique on the node.</summary>
    public string Id { get; }

    /// <summary>The peer connection signaling negotiates: set the caller's offer or answer, trickle candidates.</summary>
    public RTCPeerConnection Peer { get; }

    /// <summary>The caller's address as signaling saw it, if known.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>Where the session is in its life.</summary>
    public NodeSessionState State => _state;

    /// <summary>Why the session ended, once it has.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Completes with true when audio starts flowing, with false if the session ends first.</summary>
    public Task<bool> Connected => _connected.Task;

    /// <summary>Completes once the session has ended and its recording, if any, is written.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Raised once, on a thread-pool thread, when the session ends; the argument is the reason.</summary>
    public event Action<NodeSession, string>? Ended;

    internal bool HasEnded => Volatile.Read(ref _ended) != 0;

    internal NodeLeg? Leg { get; private set; }

    internal CallRecorder? Recorder { get; private set; }

    internal string? PartnerId { get; set; }

    /// <summary>A snapshot of the session's counters; safe from any thread, also after it ended.</summary>
    public NodeSessionStatistics GetStatistics()
    {
        if (Volatile.Read(ref _final) is { } final)
            return final;
        var leg = Leg;
        return new NodeSessionStatistics
        {
            Id = Id,
            State = _state,
            Codec = leg is null ? null : $"{leg.Codec.Name}/{leg.Codec.ClockRate}",
            PartnerId = PartnerId,
            Age = Stopwatch.GetElapsedTime(_created),
            EndReason = EndReason,
            Peer = _peerAtClose?.Value ?? Peer.GetStatistics(),
            JitterBuffer = leg?.Jitter.GetStatistics(),
            EchoCanceller = leg?.Canceller?.GetStatistics(),
            AudioErrors = Interlocked.Read(ref _audioErrors),
            LastAudioError = _lastAudioError,
            RecordingDirectory = Recorder?.DirectoryPath,
            RecordingDroppedFrames = Recorder?.DroppedFrames ?? 0,
        };
    }

    /// <summary>Ends the session: closes the peer connection, and the room finishes the call's audio. Idempotent.</summary>
    /// <param name="reason">Why, for logs, the caller's error message and <see cref="EndReason"/>.</param>
    public async Task CloseAsync(string reason)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
            return;
        EndReason = reason;
        Peer.onconnectionstatechange -= OnConnectionStateChange;
        Peer.OnRtpPacketReceived -= _onRtp;
        // The transport's counters are kept before it goes, and before the room can see the end and take its own snapshot.
        _peerAtClose = new StrongBox<RTCPeerConnectionStatistics>(Peer.GetStatistics());
        Volatile.Write(ref _ended, 1);
        _state = NodeSessionState.Ended;
        _connected.TrySetResult(false);
        var last = GetStatistics();
        await Peer.DisposeAsync().ConfigureAwait(false);
        if (Leg is null)
        {
            Volatile.Write(ref _final, last);
            _finished.TrySetResult();
        }
        _node.OnSessionEnded(this, reason);
        Ended?.Invoke(this, reason);
    }

    /// <summary>Called by the node once the connection is up and the leg built, before the room runs it.</summary>
    internal void Attach(NodeLeg leg, CallRecorder? recorder)
    {
        Leg = leg;
        Recorder = recorder;
        Peer.OnRtpPacketReceived += _onRtp;
        _state = NodeSessionState.Connected;
        _connected.TrySetResult(true);
    }

    /// <summary>Called by the room when it lets the leg go: keeps the closing statistics, disposes the leg, finishes the recording.</summary>
    internal void ReleaseLeg()
    {
        if (Interlocked.Exchange(ref _legReleased, 1) != 0 || Leg is null)
            return;
        Peer.OnRtpPacketReceived -= _onRtp;
        var closing = GetStatistics() with { State = NodeSessionState.Ended };
        Leg.Dispose();
        _ = FinishAsync(closing);
    }

    internal void RecordAudioError(Exception e)
    {
        Interlocked.Increment(ref _audioErrors);
        _lastAudioError = $"{e.GetType().Name}: {e.Message}";
    }

    private async Task FinishAsync(NodeSessionStatistics closing)
    {
        try
        {
            if (Recorder is { } recorder)
                await recorder.FinishAsync(NodeStatisticsJson.Serialize(closing with { EndReason = EndReason ?? closing.EndReason })).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _node.OnRecordingFailed(this, e);
        }
        finally
        {
            Volatile.Write(ref _final, closing with { EndReason = EndReason ?? closing.EndReason });
            _finished.TrySetResult();
        }
    }

    private void OnRtpPacket(in RtpHeader header, ReadOnlySpan<byte> payload) =>
        Leg?.Jitter.Insert(header, payload, Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency);

    private void OnConnectionStateChange(RTCPeerConnectionState state)
    {
        switch (state)
        {
            case RTCPeerConnectionState.connected when _state == NodeSessionState.Connecting:
                _node.OnConnected(this);
                break;
            case RTCPeerConnectionState.failed:
                _ = CloseAsync("the connection failed");
                break;
            case RTCPeerConnectionState.closed:
                _ = CloseAsync("the connection closed");
                break;
        }
    }
}
