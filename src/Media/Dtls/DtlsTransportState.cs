namespace Beryl.Media.Dtls;

/// <summary>Life cycle of a <see cref="DtlsTransport"/>, named like the W3C <c>RTCDtlsTransportState</c>.</summary>
public enum DtlsTransportState
{
    /// <summary>Created; the handshake has not started.</summary>
    New,

    /// <summary>The handshake is running.</summary>
    Connecting,

    /// <summary>The handshake completed, the peer's certificate matched its fingerprint and the SRTP keys are exported.</summary>
    Connected,

    /// <summary>The handshake failed, or the association broke after it (fatal alert, undecryptable record). Terminal.</summary>
    Failed,

    /// <summary>Closed locally or by the peer's close_notify. Terminal.</summary>
    Closed,
}
