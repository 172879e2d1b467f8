using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using Beryl.Media.Audio;
using Beryl.Media.Resampling;
using Beryl.Media.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Beryl.Media.Node;

/// <summary>
/// A WebRTC media node: callers connect through signaling, each as a <see cref="NodeSession"/>, and the node echoes them,
/// bridges them two by two or plays them a file (<see cref="MediaNodeOptions.Mode"/>), with an echo canceller on every
/// leg whose reference is what the node sends that caller. A few audio threads run every call 10 ms at a time.
/// </summary>
/// <example>
/// <code>
/// await using var node = new MediaNode(new MediaNodeOptions { Mode = NodeMode.Echo });
/// if (node.TryCreateSession(remoteAddress, out var session, out var error))
/// {
///     session.Peer.setRemoteDescription(offer);
///     var answer = session.Peer.createAnswer();
///     await session.Peer.setLocalDescription(answer);
///     // … send the answer, trickle candidates; the call starts when the connection is up.
/// }
/// </code>
/// </example>
public sealed class MediaNode : IAsyncDisposable
{
    /// <summary>The name of the node's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = NodeMetrics.MeterName;

    private readonly ILogger _logger;
    private readonly NodeWorker[] _workers;
    private readonly ConcurrentDictionary<string, NodeSession> _sessions = new();
    private readonly Lock _rooms = new();
    private readonly float[]? _playFile;
    private readonly NodeMetrics _metrics;
    private BridgeRoom? _waitingBridge;
    private int _closing;

    /// <summary>Starts the node's audio threads; callers are added with <see cref="TryCreateSession"/>.</summary>
    /// <exception cref="ArgumentException">Inconsistent options, or a play file that cannot be read.</exception>
    public MediaNode(MediaNodeOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MediaNode>();
        if (options.Mode == NodeMode.Play)
            _playFile = LoadPlayFile(options.PlayFile!, options.EchoCanceller.SampleRate);
        _metrics = new NodeMetrics(() => _sessions.Values, () => AudioLoad, () => EncoderComplexity);
        _workers = new NodeWorker[options.AudioThreads];
        for (int i = 0; i < _workers.Length; i++)
            _workers[i] = new NodeWorker(i, options.AdaptEncoderComplexity ? new EncoderComplexityGovernor(options.Codec.Opus.Complexity) : null);
    }

    /// <summary>The node's settings.</summary>
    public MediaNodeOptions Options { get; }

    /// <summary>The sessions open now, connecting or connected.</summary>
    public IReadOnlyCollection<NodeSession> Sessions => (IReadOnlyCollection<NodeSession>)_sessions.Values;

    /// <summary>Calls carrying audio now.</summary>
    public int ActiveCalls => _sessions.Values.Count(s => s.State == NodeSessionState.Connected);

    /// <summary>10 ms ticks the audio threads started more than a frame late: a node with more calls than CPU.</summary>
    public long LateAudioFrames => _workers.Sum(w => w.LateFrames);

    /// <summary>
    /// The busiest audio thread's share of its ticks spent running calls, smoothed over about a second; above 1 it falls
    /// behind. 0 unless <see cref="MediaNodeOptions.AdaptEncoderComplexity"/> is on (the share is measured for it).
    /// </summary>
    public double AudioLoad => _workers.Max(w => w.Load);

    /// <summary>
    /// The lowest complexity an audio thread has its Opus encoders at now (see
    /// <see cref="MediaNodeOptions.AdaptEncoderComplexity"/>); the configured one when that is off.
    /// </summary>
    public int EncoderComplexity => _workers.Min(w => w.EncoderComplexity) ?? Options.Codec.Opus.Complexity;

    /// <summary>Raised, on a thread-pool thread, when a session ends.</summary>
    public event Action<NodeSession, string>? SessionEnded;

    /// <summary>
    /// Opens a session for a new caller: a peer connection that signaling then negotiates. It is closed if it has not
    /// connected within <see cref="MediaNodeOptions.ConnectTimeout"/>.
    /// </summary>
    /// <param name="remoteAddress">The caller's address as signaling saw it, for logs; may be null.</param>
    /// <param name="session">The session, or null.</param>
    /// <param name="error">Why there is none: the node is full or shutting down.</param>
    public bool TryCreateSession(IPAddress? remoteAddress, [NotNullWhen(true)] out NodeSession? session, [NotNullWhen(false)] out string? error)
    {
        session = null;
        if (Volatile.Read(ref _closing) != 0)
        {
            error = "the node is shutting down";
            return false;
        }
        if (_sessions.Count >= Options.MaxSessions)
        {
            error = $"the node is full ({Options.MaxSessions} sessions)";
            return false;
        }
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        session = new NodeSession(this, id, new RTCPeerConnection(Options.PeerConfiguration), remoteAddress);
        _sessions[id] = session;
        _ = CloseIfNotConnectedAsync(session);
        _logger.LogInformation("session {Session} opened for {Address}", id, remoteAddress);
        error = null;
        return true;
    }

    /// <summary>The open session with this identifier, or null.</summary>
    public NodeSession? FindSession(string id) => _sessions.GetValueOrDefault(id);

    /// <summary>Ends every call ("the node is shutting down"), waits for their recordings, and stops the audio threads.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        var sessions = _sessions.Values.ToArray();
        await Task.WhenAll(sessions.Select(s => s.CloseAsync("the node is shutting down"))).ConfigureAwait(false);
        foreach (var worker in _workers)
            worker.Dispose();
        await Task.WhenAll(sessions.Select(s => s.Finished)).ConfigureAwait(false);
        _metrics.Dispose();
        _logger.LogInformation("node stopped after ending {Count} sessions", sessions.Length);
    }

    internal void OnConnected(NodeSession session)
    {
        var peer = session.Peer;
        if (peer.NegotiatedAudioFormat is not { } codec)
        {
            _ = session.CloseAsync("connected without a negotiated audio codec");
            return;
        }
        if (!NodeLeg.TryCreate(codec, Options, peer.SendAudio, out var leg, out string? error))
        {
            _logger.LogWarning("session {Session}: {Error}", session.Id, error);
            _ = session.CloseAsync(error);
            return;
        }
        CallRecorder? recorder = null;
        try
        {
            if (Options.RecordDirectory is { } directory)
                recorder = new CallRecorder(Path.Combine(directory, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{session.Id}"), leg.Format);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A call is worth more than its recording.
            _logger.LogError("session {Session}: cannot record: {Error}", session.Id, e.Message);
        }

        lock (_rooms)
        {
            if (session.HasEnded || Volatile.Read(ref _closing) != 0)
            {
                leg.Dispose();
                _ = recorder?.DisposeAsync();
                return;
            }
            session.Attach(leg, recorder);
            switch (Options.Mode)
            {
                case NodeMode.Echo:
                    LeastLoadedWorker().Add(new EchoRoom(session));
                    break;
                case NodeMode.Play:
                    LeastLoadedWorker().Add(new PlayRoom(session, _playFile!, Options.LoopPlayFile));
                    break;
                case NodeMode.Bridge:
                    JoinBridge(session);
                    break;
            }
        }
        _metrics.CallStarted();
        _logger.LogInformation("session {Session} connected: {Codec}, {Mode}", session.Id, codec.Name, Options.Mode);
    }

    internal void OnSessionEnded(NodeSession session, string reason)
    {
        _sessions.TryRemove(session.Id, out _);
        _metrics.SessionEnded(session.GetStatistics());
        _logger.LogInformation("session {Session} ended: {Reason}", session.Id, reason);
        SessionEnded?.Invoke(session, reason);
    }

    internal void OnRecordingFailed(NodeSession session, Exception e) =>
        _logger.LogError("session {Session}: the recording could not be finished: {Error}", session.Id, e.Message);

    // Callers wait in a half-empty bridge until the next one comes; a room whose caller left is never joined.
    private void JoinBridge(NodeSession session)
    {
        if (_waitingBridge is { HasFreeSlot: true, First.HasEnded: false } room)
        {
            _waitingBridge = null;
            session.PartnerId = room.First.Id;
            room.First.PartnerId = session.Id;
            room.Owner.Post(() => room.Join(session));
            return;
        }
        _waitingBridge = new BridgeRoom(session, LeastLoadedWorker());
        _waitingBridge.Owner.Add(_waitingBridge);
    }

    private NodeWorker LeastLoadedWorker() => _workers.MinBy(w => w.RoomCount)!;

    private async Task CloseIfNotConnectedAsync(NodeSession session)
    {
        var connected = session.Connected;
        if (await Task.WhenAny(connected, Task.Delay(Options.ConnectTimeout)).ConfigureAwait(false) != connected)
            await session.CloseAsync($"the call did not connect within {Options.ConnectTimeout.TotalSeconds:0} s").ConfigureAwait(false);
    }

    private static float[] LoadPlayFile(string path, int sampleRate)
    {
        float[][] channels;
        WavFormat format;
        try
        {
            channels = WavReader.ReadAllChannels(path, out format);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WavFormatException)
        {
            throw new ArgumentException($"cannot play '{path}': {e.Message}", nameof(path), e);
        }
        var mono = new float[channels[0].Length];
        foreach (var channel in channels)
            for (int i = 0; i < mono.Length; i++)
                mono[i] += channel[i] / channels.Length;
        var resampler = new Resampler(format.SampleRate, sampleRate, 1);
        var converted = new float[resampler.MaxOutputFrames(mono.Length)];
        return converted[..resampler.Process(mono, converted)];
    }
}
