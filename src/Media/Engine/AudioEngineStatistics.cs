using Beryl.Aec;
using Beryl.Media.Jitter;
using Beryl.Media.Sdp;

namespace Beryl.Media.Engine;

/// <summary>A snapshot of an <see cref="AudioEngine"/>'s counters.</summary>
public sealed record AudioEngineStatistics
{
    /// <summary>The codec in use.</summary>
    public required SdpCodec Codec { get; init; }

    /// <summary>10 ms microphone frames processed.</summary>
    public long CapturedFrames { get; init; }

    /// <summary>10 ms loudspeaker frames played.</summary>
    public long RenderedFrames { get; init; }

    /// <summary>Capture frames that started more than 10 ms late (the thread was starved); they are caught up, not skipped.</summary>
    public long LateCaptureFrames { get; init; }

    /// <summary>Render frames that started more than 10 ms late.</summary>
    public long LateRenderFrames { get; init; }

    /// <summary>Encoded packets handed to the transport.</summary>
    public long PacketsSent { get; init; }

    /// <summary>Frames the encoder chose not to send (discontinuous transmission during silence).</summary>
    public long PacketsSuppressed { get; init; }

    /// <summary>Packets the transport refused (not connected).</summary>
    public long SendFailures { get; init; }

    /// <summary>Frames whose processing threw (a faulty source, sink or handler); the thread carries on.</summary>
    public long FrameErrors { get; init; }

    /// <summary>The message of the last such error, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>Whether the microphone source has ended (the engine then sends silence).</summary>
    public bool MicrophoneEnded { get; init; }

    /// <summary>The jitter buffer's counters.</summary>
    public required JitterBufferStatistics JitterBuffer { get; init; }

    /// <summary>The echo canceller's counters, or null when cancellation is off.</summary>
    public EchoCancellerStatistics? EchoCanceller { get; init; }
}
