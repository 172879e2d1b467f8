using Beryl.Aec;
using Beryl.Media.Jitter;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Node;

/// <summary>Where a caller's session is in its life.</summary>
public enum NodeSessionState
{
    /// <summary>Offer/answer and ICE/DTLS under way.</summary>
    Connecting,

    /// <summary>Audio is flowing.</summary>
    Connected,

    /// <summary>Closed: hung up, failed, timed out or refused; see <see cref="NodeSessionStatistics.EndReason"/>.</summary>
    Ended,
}

/// <summary>A snapshot of one caller's session at the node.</summary>
public sealed record NodeSessionStatistics
{
    /// <summary>The session's identifier, unique on the node.</summary>
    public required string Id { get; init; }

    /// <summary>Where the session is in its life.</summary>
    public required NodeSessionState State { get; init; }

    /// <summary>The negotiated audio codec, e.g. <c>opus/48000</c>, once connected.</summary>
    public string? Codec { get; init; }

    /// <summary>The session this one is bridged to, if any.</summary>
    public string? PartnerId { get; init; }

    /// <summary>Time since the session was created.</summary>
    public TimeSpan Age { get; init; }

    /// <summary>Why the session ended, once it has.</summary>
    public string? EndReason { get; init; }

    /// <summary>The transport's counters: packets, loss, jitter, round-trip time.</summary>
    public RTCPeerConnectionStatistics Peer { get; init; }

    /// <summary>The jitter buffer's counters, once connected.</summary>
    public JitterBufferStatistics? JitterBuffer { get; init; }

    /// <summary>The leg's echo canceller (ERLE, delay, double talk), once connected with cancellation on.</summary>
    public EchoCancellerStatistics? EchoCanceller { get; init; }

    /// <summary>10 ms frames of this session's audio that threw (counted, the call carries on).</summary>
    public long AudioErrors { get; init; }

    /// <summary>The last audio error, if any.</summary>
    public string? LastAudioError { get; init; }

    /// <summary>Where the call is recorded, if it is.</summary>
    public string? RecordingDirectory { get; init; }

    /// <summary>Frames the recording lost because its writer fell behind (a slow disk); they are written as silence.</summary>
    public long RecordingDroppedFrames { get; init; }
}
