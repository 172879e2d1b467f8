namespace Beryl.Media.WebRtc;

/// <summary>The type of a session description (JSEP, RFC 8829 section 4.1.9).</summary>
public enum RTCSdpType
{
    /// <summary>An offer.</summary>
    offer,

    /// <summary>A final answer.</summary>
    answer,

    /// <summary>A provisional answer (not supported: refused).</summary>
    pranswer,

    /// <summary>Rolls back to the last stable state (not supported: refused).</summary>
    rollback,
}

/// <summary>A session description as signaled: its type and its SDP text.</summary>
public sealed class RTCSessionDescriptionInit
{
    /// <summary>Offer or answer.</summary>
    public RTCSdpType type { get; init; }

    /// <summary>The SDP text.</summary>
    public string sdp { get; init; } = "";
}

/// <summary>A trickled ICE candidate as signaled (the browser's <c>RTCIceCandidateInit</c>).</summary>
public sealed class RTCIceCandidateInit
{
    /// <summary>The <c>candidate:…</c> line; empty for end-of-candidates.</summary>
    public string candidate { get; init; } = "";

    /// <summary>The mid of the m-line the candidate belongs to.</summary>
    public string? sdpMid { get; init; }

    /// <summary>The index of the m-line the candidate belongs to.</summary>
    public int? sdpMLineIndex { get; init; }

    /// <summary>The ICE username fragment of the generation the candidate belongs to.</summary>
    public string? usernameFragment { get; init; }
}
