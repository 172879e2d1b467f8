namespace Beryl.Media.WebRtc;

/// <summary>The aggregate state of the ICE and DTLS transports (W3C <c>RTCPeerConnectionState</c>).</summary>
public enum RTCPeerConnectionState
{
    /// <summary>Nothing started yet.</summary>
    @new,

    /// <summary>ICE checks or the DTLS handshake are under way.</summary>
    connecting,

    /// <summary>ICE connected and DTLS-SRTP keys in place: media flows.</summary>
    connected,

    /// <summary>The ICE path stopped answering for a while; it may come back.</summary>
    disconnected,

    /// <summary>ICE failed, consent expired, or DTLS failed (for example a fingerprint mismatch).</summary>
    failed,

    /// <summary><see cref="RTCPeerConnection.close"/> was called.</summary>
    closed,
}

/// <summary>The ICE transport state (W3C <c>RTCIceConnectionState</c>).</summary>
public enum RTCIceConnectionState
{
    /// <summary>No checks yet.</summary>
    @new,

    /// <summary>Checks in progress.</summary>
    checking,

    /// <summary>A pair is selected.</summary>
    connected,

    /// <summary>Checks are done and a pair is selected.</summary>
    completed,

    /// <summary>Every pair failed, or consent expired.</summary>
    failed,

    /// <summary>The selected pair stopped answering for a while.</summary>
    disconnected,

    /// <summary>The agent is closed.</summary>
    closed,
}

/// <summary>The ICE gathering state (W3C <c>RTCIceGatheringState</c>).</summary>
public enum RTCIceGatheringState
{
    /// <summary>Not started.</summary>
    @new,

    /// <summary>Candidates are being gathered.</summary>
    gathering,

    /// <summary>Every candidate is known.</summary>
    complete,
}

/// <summary>The offer/answer state (JSEP, W3C <c>RTCSignalingState</c>).</summary>
public enum RTCSignalingState
{
    /// <summary>No offer outstanding.</summary>
    stable,

    /// <summary>A local offer is set; the answer is awaited.</summary>
    have_local_offer,

    /// <summary>A remote offer is set; a local answer is due.</summary>
    have_remote_offer,

    /// <summary>The connection is closed.</summary>
    closed,
}
